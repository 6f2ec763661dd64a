using System.Globalization;
using System.Text.Json;
using KnnCli.Core.Data;
using KnnCli.Core.Errors;
using KnnCli.Core.IO;
using KnnCli.Core.Targets;
using KnnCli.Engine;
using KnnCli.Engine.ModelFiles;
using KnnCli.Engine.Training;

namespace KnnCli.Targets.Local;

/// <summary>A local training job's record (.knn/jobs/&lt;name&gt;.json), like DescribeTrainingJob's answer.</summary>
internal sealed record LocalTrainingJob(
    string Name,
    string Status,
    string? ModelArtifact,
    Dictionary<string, double> Metrics,
    string? FailureReason,
    DateTimeOffset Created,
    DateTimeOffset? Ended);

/// <summary>
/// Trains in-process exactly as SageMaker's k-NN container does: reservoir-sample the train channel, build the
/// index, score the test channel in mini-batches, write model.tar.gz, and print the container's log lines.
/// </summary>
public sealed class LocalTrainer(FolderStore store, string jobsDirectory, TimeProvider clock) : ITrainer
{
    public async Task<TrainingResult> TrainAsync(TrainingRequest request, bool wait, IWorkflowLog log, CancellationToken cancellationToken)
    {
        var recordPath = JobPath(request.JobName);
        if (File.Exists(recordPath))
            throw new InputException($"Training job {request.JobName} already exists; choose another --job-name.");
        var created = clock.GetUtcNow();
        await SaveAsync(new LocalTrainingJob(request.JobName, "InProgress", null, [], null, created, null), cancellationToken);
        try
        {
            var result = await RunAsync(request, log, cancellationToken);
            await SaveAsync(new LocalTrainingJob(request.JobName, "Completed", result.ModelArtifact?.ToString(),
                result.Metrics.ToDictionary(m => m.Name, m => m.Value), null, created, clock.GetUtcNow()), cancellationToken);
            return result;
        }
        catch (Exception e) when (e is KnnException or HyperparameterException or InvalidDataException)
        {
            log.Log(LogLine($"Customer Error: {e.Message}"));
            await SaveAsync(new LocalTrainingJob(request.JobName, "Failed", null, [], e.Message, created, clock.GetUtcNow()), CancellationToken.None);
            return new TrainingResult { JobName = request.JobName, Status = TrainingStatus.Failed, FailureReason = e.Message };
        }
        catch (OperationCanceledException)
        {
            await SaveAsync(new LocalTrainingJob(request.JobName, "Stopped", null, [], "Stopped by the user.", created, clock.GetUtcNow()), CancellationToken.None);
            throw;
        }
    }

    public async Task<TrainingResult> WaitAsync(string jobName, IWorkflowLog log, CancellationToken cancellationToken)
    {
        var job = await LoadAsync(jobName, cancellationToken);
        return new TrainingResult
        {
            JobName = job.Name,
            Status = Enum.Parse<TrainingStatus>(job.Status),
            ModelArtifact = job.ModelArtifact is null ? null : StoreUri.Parse(job.ModelArtifact),
            Metrics = job.Metrics.Select(m => new TrainingMetric(m.Key, m.Value)).ToArray(),
            FailureReason = job.FailureReason,
        };
    }

    /// <summary>Local jobs run to completion inside TrainAsync; there is nothing left to stop.</summary>
    public async Task StopAsync(string jobName, CancellationToken cancellationToken) => await LoadAsync(jobName, cancellationToken);

    private async Task<TrainingResult> RunAsync(TrainingRequest request, IWorkflowLog log, CancellationToken cancellationToken)
    {
        var hp = request.Hyperparameters;
        var configuration = hp.ToStringMap().Concat(request.ExtraHyperparameters).Select(p => $"'{p.Key}': '{p.Value}'");
        log.Log(LogLine($"Final configuration: {{{string.Join(", ", configuration)}}}"));
        log.Log(LogLine($"Using per-worker sample size = {hp.SampleSize} (number of workers = 1)."));

        ReservoirSampler? sampler = null;
        var featureCount = 0;
        await using (var train = await store.OpenReadAsync(request.Train, cancellationToken))
        using (var reader = TrainingData.OpenReader(train, request.Train.ToString(), request.ContentType))
        {
            while (true)
            {
                var batch = await reader.ReadBatchAsync(hp.MiniBatchSize, cancellationToken);
                if (batch.RowCount == 0) break;
                featureCount = batch.FeatureCount;
                sampler ??= new ReservoirSampler(featureCount, hp.SampleSize, hp.Seed);
                for (var r = 0; r < batch.RowCount; r++)
                    sampler.Offer(batch.Features.AsSpan(r * featureCount, featureCount), batch.Labels[r]);
            }
        }
        if (sampler is null) throw DataErrors.InFile(request.Train.ToString(), "the train channel holds no rows");
        var (vectors, labels) = sampler.ToArrays();
        log.Log(LogLine($"Got reservoir sample: data=({sampler.Count}, {featureCount}), labels=({sampler.Count},), NaNs=0"));

        log.Log(LogLine("Training index..."));
        var model = KnnModelBuilder.Build(vectors, labels, featureCount, hp);
        if (hp.K > model.Index.Count)
            log.Warn($"k={hp.K} is larger than the {model.Index.Count} indexed points; predictions use all {model.Index.Count}.");
        log.Log(LogLine($"Adding data to index... ({model.Index.Count} vectors of dimension {model.Index.Dimension})"));

        var metrics = request.Test is { } test ? await ScoreAsync(model, test, request.ContentType, hp, log, cancellationToken) : [];

        var artifact = request.OutputPath.Append($"{request.JobName}/output/model.tar.gz");
        using (var buffer = new MemoryStream())
        {
            await ModelArtifact.WriteAsync(buffer, model, cancellationToken);
            buffer.Position = 0;
            await store.PutStreamAsync(buffer, artifact, "application/x-gzip", cancellationToken);
        }
        log.Log(LogLine($"Model saved to {artifact}"));
        return new TrainingResult { JobName = request.JobName, Status = TrainingStatus.Completed, ModelArtifact = artifact, Metrics = metrics };
    }

    /// <summary>Predicts the test channel a mini-batch at a time and logs the container's score lines.</summary>
    private async Task<TrainingMetric[]> ScoreAsync(KnnModel model, StoreUri test, string contentType, KnnHyperparameters hp, IWorkflowLog log, CancellationToken cancellationToken)
    {
        var actual = new List<double>();
        var predicted = new List<double>();
        await using (var stream = await store.OpenReadAsync(test, cancellationToken))
        using (var reader = TrainingData.OpenReader(stream, test.ToString(), contentType))
        {
            while (true)
            {
                var batch = await reader.ReadBatchAsync(hp.MiniBatchSize, cancellationToken);
                if (batch.RowCount == 0) break;
                if (batch.FeatureCount != model.FeatureDimension)
                    throw DataErrors.InFile(test.ToString(), $"test rows have {batch.FeatureCount} features, the train rows {model.FeatureDimension}");
                var predictions = new float[batch.RowCount];
                model.Predict(batch.Features, predictions);
                actual.AddRange(batch.Labels.Select(l => (double)l));
                predicted.AddRange(predictions.Select(p => (double)p));
            }
        }
        if (actual.Count == 0) return [];

        if (hp.PredictorType == PredictorType.Regressor)
        {
            var mse = RegressionScore.MeanSquaredError(actual, predicted);
            log.Log(LogLine($"#test_score (algo-1) : ('mse', {Repr(mse)})"));
            log.Log(LogLine($"#quality_metric: host=algo-1, test mse <loss>={Repr(mse)}"));
            return [new TrainingMetric("test:mse", mse)];
        }
        var report = ClassificationReport.Compute(actual, predicted);
        log.Log(LogLine($"#test_score (algo-1) : ('accuracy', {Repr(report.Accuracy)})"));
        // The container logs macro F1 as a float32; the metric keeps full precision.
        log.Log(LogLine($"#test_score (algo-1) : ('macro_f_1.000', {Repr((float)report.MacroF1)})"));
        log.Log(LogLine($"#quality_metric: host=algo-1, test accuracy <score>={Repr(report.Accuracy)}"));
        log.Log(LogLine($"#quality_metric: host=algo-1, test macro_f_1.000 <score>={Repr((float)report.MacroF1)}"));
        return [new TrainingMetric("test:accuracy", report.Accuracy), new TrainingMetric("test:macro_f_1.000", report.MacroF1)];
    }

    private static string Repr(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Repr(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The container's log prefix: [MM/dd/yyyy HH:mm:ss INFO thread].</summary>
    private static string LogLine(string message) =>
        $"[{DateTime.UtcNow.ToString("MM/dd/yyyy HH:mm:ss", CultureInfo.InvariantCulture)} INFO {Environment.CurrentManagedThreadId}] {message}";

    private string JobPath(string jobName) => Path.Combine(jobsDirectory, $"{jobName}.json");

    private Task SaveAsync(LocalTrainingJob job, CancellationToken cancellationToken) =>
        AtomicFile.WriteAllBytesAsync(JobPath(job.Name), JsonSerializer.SerializeToUtf8Bytes(job, LocalJsonContext.Default.LocalTrainingJob), cancellationToken);

    private async Task<LocalTrainingJob> LoadAsync(string jobName, CancellationToken cancellationToken)
    {
        var path = JobPath(jobName);
        if (!File.Exists(path)) throw new NotFoundException($"Training job {jobName} not found.");
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync(stream, LocalJsonContext.Default.LocalTrainingJob, cancellationToken)
            ?? throw new InvalidDataException($"{path} is empty.");
    }
}
