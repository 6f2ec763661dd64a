using System.Buffers;
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
    DateTimeOffset? Ended)
{
    /// <summary>The user's tags (--tag), recorded as SageMaker would hold them; knn:created-by is implied.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>The knn process training an InProgress job and when it started, so a killed one is told from a running one.</summary>
    public int? Pid { get; init; }
    public DateTimeOffset? PidStarted { get; init; }
}

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
        Task SaveTaggedAsync(LocalTrainingJob job, CancellationToken token) => SaveAsync(job with { Tags = request.Tags.Count > 0 ? request.Tags : null }, token);
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        await SaveTaggedAsync(new LocalTrainingJob(request.JobName, "InProgress", null, [], null, created, null)
        {
            Pid = Environment.ProcessId,
            PidStarted = self.StartTime.ToUniversalTime(),
        }, cancellationToken);
        // The container's log lines are kept beside the job record, as CloudWatch keeps a SageMaker job's, for knn logs.
        await using var jobLog = new JobLogFile(LogPath(request.JobName), log);
        try
        {
            var result = await RunAsync(request, jobLog, cancellationToken);
            await SaveTaggedAsync(new LocalTrainingJob(request.JobName, "Completed", result.ModelArtifact?.ToString(),
                result.Metrics.ToDictionary(m => m.Name, m => m.Value), null, created, clock.GetUtcNow()), cancellationToken);
            return result;
        }
        catch (Exception e) when (e is KnnException or HyperparameterException or InvalidDataException)
        {
            jobLog.Log(LogLine($"Customer Error: {e.Message}"));
            await SaveTaggedAsync(new LocalTrainingJob(request.JobName, "Failed", null, [], e.Message, created, clock.GetUtcNow()), CancellationToken.None);
            return new TrainingResult { JobName = request.JobName, Status = TrainingStatus.Failed, FailureReason = e.Message };
        }
        catch (OperationCanceledException)
        {
            await SaveTaggedAsync(new LocalTrainingJob(request.JobName, "Stopped", null, [], "Stopped by the user.", created, clock.GetUtcNow()), CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Attaches to a job: one that another knn process is training is waited for (its record polled until it ends); one
    /// whose process is gone (kill -9, a crash) is recorded as Failed with that reason, so it never looks as if it runs.
    /// </summary>
    public async Task<TrainingResult> WaitAsync(string jobName, IWorkflowLog log, CancellationToken cancellationToken)
    {
        var job = await LoadAsync(jobName, cancellationToken);
        if (job.Status == "InProgress")
        {
            using var wait = log.Wait($"training {jobName} (knn pid {job.Pid})");
            while (job.Status == "InProgress" && IsTraining(job))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), clock, cancellationToken);
                job = await LoadAsync(jobName, cancellationToken);
            }
        }
        if (job.Status == "InProgress")
        {
            job = job with
            {
                Status = "Failed",
                FailureReason = $"the knn process (pid {job.Pid}) training it ended before the job did; run knn train again",
                Ended = clock.GetUtcNow(),
                Pid = null,
                PidStarted = null,
            };
            await SaveAsync(job, cancellationToken);
        }
        return new TrainingResult
        {
            JobName = job.Name,
            Status = Enum.Parse<TrainingStatus>(job.Status),
            ModelArtifact = job.ModelArtifact is null ? null : StoreUri.Parse(job.ModelArtifact),
            Metrics = job.Metrics.Select(m => new TrainingMetric(m.Key, m.Value)).ToArray(),
            FailureReason = job.FailureReason,
        };
    }

    public async IAsyncEnumerable<string> ReadLogAsync(string jobName, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await LoadAsync(jobName, cancellationToken);
        var path = LogPath(jobName);
        if (!File.Exists(path)) yield break;
        await foreach (var line in File.ReadLinesAsync(path, cancellationToken)) yield return line;
    }

    private static bool IsTraining(LocalTrainingJob job) =>
        job.Pid is { } pid && job.PidStarted is { } started && ProcessIds.IsAlive(pid, started);

    /// <summary>Local jobs run to completion inside TrainAsync; there is nothing left to stop.</summary>
    public async Task StopAsync(string jobName, CancellationToken cancellationToken) => await LoadAsync(jobName, cancellationToken);

    private async Task<TrainingResult> RunAsync(TrainingRequest request, IWorkflowLog log, CancellationToken cancellationToken)
    {
        var hp = request.Hyperparameters;
        var configuration = hp.ToStringMap().Concat(request.ExtraHyperparameters).Select(p => $"'{p.Key}': '{p.Value}'");
        log.Log(LogLine($"Final configuration: {{{string.Join(", ", configuration)}}}"));
        // The test channel is parsed on the other core while the train channel is sampled and the index built.
        using var stopTestRead = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var testRead = request.Test is { } test
            ? Task.Run(() => ReadTestChannelAsync(test, request.ContentType, hp.MiniBatchSize, log, stopTestRead.Token), stopTestRead.Token)
            : null;
        KnnModel model;
        try
        {
            var (vectors, labels, featureCount) = await SampleAsync(request, log, cancellationToken);
            log.Log(LogLine("Training index..."));
            using (log.Wait("build index"))
                model = KnnModelBuilder.Build(vectors, labels, featureCount, hp);
        }
        catch when (testRead is not null)
        {
            // The train channel's error is the one to report; the test read is stopped and waited for, never left running.
            await stopTestRead.CancelAsync();
            await ((Task)testRead).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
        if (hp.K > model.Index.Count)
            log.Warn($"k={hp.K} is larger than the {model.Index.Count} indexed points; predictions use all {model.Index.Count}.");
        log.Log(LogLine($"Adding data to index... ({model.Index.Count} vectors of dimension {model.Index.Dimension})"));

        var metrics = testRead is not null ? await ScoreAsync(model, request.Test!.Value, testRead, hp, log, cancellationToken) : [];

        var artifact = request.OutputPath.Append($"{request.JobName}/output/model.tar.gz");
        await store.WriteObjectAsync(artifact, "application/x-gzip", (output, ct) => ModelArtifact.WriteAsync(output, model, ct), cancellationToken);
        log.Log(LogLine($"Model saved to {artifact}"));
        return new TrainingResult { JobName = request.JobName, Status = TrainingStatus.Completed, ModelArtifact = artifact, Metrics = metrics };
    }

    /// <summary>
    /// The sampling phase on every simulated instance: with N instances the train channel's objects are dealt out as
    /// ShardedByS3Key does, each worker reservoir-samples its share of sample_size from its shard alone, and the
    /// samples are gathered (in worker order) into one training set, as the container collects them on algo-1.
    /// </summary>
    private async Task<(float[] Vectors, float[] Labels, int FeatureCount)> SampleAsync(TrainingRequest request, IWorkflowLog log, CancellationToken cancellationToken)
    {
        var hp = request.Hyperparameters;
        var objects = (await store.ListAsync(request.Train, cancellationToken)).Select(o => o.Uri).ToList();
        if (objects.Count == 0) throw new NotFoundException($"{request.Train}: the train channel holds no objects.");
        var workers = request.InstanceCount;
        var samples = new List<(float[] Vectors, float[] Labels)>();
        var featureCount = 0;
        for (var worker = 0; worker < workers; worker++)
        {
            var host = $"algo-{worker + 1}";
            var shard = workers == 1 ? objects : DistributedSampling.ShardFor(objects, workers, worker);
            var share = DistributedSampling.PerWorkerSampleSize(hp.SampleSize, workers, worker);
            log.Log(LogLine($"[{host}] Using per-worker sample size = {share} (number of workers = {workers})."));
            if (shard.Count == 0 || share == 0)
            {
                log.Log(LogLine($"[{host}] Got reservoir sample: data=(0, {featureCount}), labels=(0,), NaNs=0"));
                continue;
            }

            // Each worker seeds its own reservoir, so workers sample independently and one worker reproduces a single-instance run.
            ReservoirSampler? sampler = null;
            foreach (var uri in shard)
            {
                await using var train = await store.OpenReadAsync(uri, cancellationToken);
                using var reader = TrainingData.OpenReader(train, uri.ToString(), request.ContentType);
                using var progress = ChannelProgress(log, $"[{host}] read train channel", train);
                var rows = 0L;
                while (await reader.ReadBatchAsync(hp.MiniBatchSize, cancellationToken) is { RowCount: > 0 } batch)
                {
                    ReportChannel(progress, train, rows += batch.RowCount);
                    if (featureCount != 0 && batch.FeatureCount != featureCount)
                        throw DataErrors.InFile(uri.ToString(), $"rows have {batch.FeatureCount} features, other train rows {featureCount}");
                    featureCount = batch.FeatureCount;
                    sampler ??= new ReservoirSampler(featureCount, share, hp.Seed + worker);
                    for (var r = 0; r < batch.RowCount; r++)
                        sampler.Offer(batch.Features.AsSpan(r * featureCount, featureCount), batch.Labels[r]);
                }
            }
            if (sampler is null) continue;
            samples.Add(sampler.ToArrays());
            log.Log(LogLine($"[{host}] Got reservoir sample: data=({sampler.Count}, {featureCount}), labels=({sampler.Count},), NaNs=0"));
        }
        if (samples.Count == 0) throw DataErrors.InFile(request.Train.ToString(), "the train channel holds no rows");
        return samples.Count == 1
            ? (samples[0].Vectors, samples[0].Labels, featureCount)
            : ([.. samples.SelectMany(s => s.Vectors)], [.. samples.SelectMany(s => s.Labels)], featureCount);
    }

    /// <summary>A channel read shown by the bytes read when the object's length is known (the rows beside it), by rows otherwise.</summary>
    private static IProgressReporter ChannelProgress(IWorkflowLog log, string label, Stream channel) =>
        channel.CanSeek ? log.Progress(label, channel.Length, ProgressUnit.Bytes) : log.Progress(label, 0, ProgressUnit.Rows);

    private static void ReportChannel(IProgressReporter progress, Stream channel, long rows)
    {
        if (!channel.CanSeek)
        {
            progress.Report(rows);
            return;
        }
        progress.Report(channel.Position);
        progress.Describe($"{rows:N0} rows");
    }

    /// <summary>Test rows per kernel call: many kernel blocks for every core, few enough calls for the bar to move.</summary>
    private const int ScoringBlockRows = 8192;

    /// <summary>The test channel's features (row-major), labels and feature count, read a mini-batch at a time into growing buffers.</summary>
    private async Task<TestChannel> ReadTestChannelAsync(StoreUri test, string contentType, int miniBatchSize, IWorkflowLog log, CancellationToken cancellationToken)
    {
        var features = new ArrayBufferWriter<float>();
        var labels = new ArrayBufferWriter<float>(miniBatchSize);
        var featureCount = 0;
        await using var stream = await store.OpenReadAsync(test, cancellationToken);
        using var reader = TrainingData.OpenReader(stream, test.ToString(), contentType);
        using var progress = ChannelProgress(log, "read test channel", stream);
        while (await reader.ReadBatchAsync(miniBatchSize, cancellationToken) is { RowCount: > 0 } batch)
        {
            if (featureCount != 0 && batch.FeatureCount != featureCount)
                throw DataErrors.InFile(test.ToString(), $"rows have {batch.FeatureCount} features, other test rows {featureCount}");
            featureCount = batch.FeatureCount;
            features.Write(batch.Features);
            labels.Write(batch.Labels);
            ReportChannel(progress, stream, labels.WrittenCount);
        }
        return new TestChannel(features.WrittenMemory, labels.WrittenMemory, featureCount);
    }

    private readonly record struct TestChannel(ReadOnlyMemory<float> Features, ReadOnlyMemory<float> Labels, int FeatureCount);

    /// <summary>
    /// Predicts the test channel (read beside the training) in large blocks through the batched exact kernel (the bar
    /// counts rows scored of the total), and logs the container's score lines.
    /// </summary>
    private static async Task<TrainingMetric[]> ScoreAsync(KnnModel model, StoreUri test, Task<TestChannel> testRead, KnnHyperparameters hp, IWorkflowLog log,
        CancellationToken cancellationToken)
    {
        // The index's batch-search cells are built on the other core while the test channel's read finishes.
        var prepared = Task.Run(model.PrepareBatchSearch, cancellationToken);
        TestChannel channel;
        try
        {
            channel = await testRead;
        }
        catch
        {
            // A bad test channel is the error to report; the build is only waited for, so it never outlives the verb.
            await prepared.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
        await prepared;
        var (features, labels, featureCount) = channel;
        if (labels.Length > 0 && featureCount != model.FeatureDimension)
            throw DataErrors.InFile(test.ToString(), $"test rows have {featureCount} features, the train rows {model.FeatureDimension}");
        var rows = labels.Length;
        if (rows == 0) return [];
        var dimension = model.FeatureDimension;
        var predictions = new float[rows];
        using (var progress = log.Progress("score test channel", rows, ProgressUnit.Rows))
        {
            for (var start = 0; start < rows; start += ScoringBlockRows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var count = Math.Min(ScoringBlockRows, rows - start);
                model.Predict(features.Span.Slice(start * dimension, count * dimension), predictions.AsSpan(start, count));
                progress.Report(start + count);
            }
        }
        var actual = new double[rows];
        var labelSpan = labels.Span;
        for (var r = 0; r < rows; r++) actual[r] = labelSpan[r];
        var predicted = Array.ConvertAll(predictions, p => (double)p);

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

    private string LogPath(string jobName) => Path.Combine(jobsDirectory, $"{jobName}.log");

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
