using System.Text.Json.Serialization;
using KnnCli.Core.Data;
using KnnCli.Core.Errors;
using KnnCli.Core.State;
using KnnCli.Core.Targets;
using KnnCli.Engine;

namespace KnnCli.Core.Workflow;

public sealed record TrainOptions
{
    /// <summary>A local file or s3:// URI; null for what upload recorded.</summary>
    public string? Train { get; init; }
    public string? Test { get; init; }
    /// <summary>Hyperparameters by SageMaker name (k, sample_size …), from the typed options and --hp.</summary>
    public IReadOnlyDictionary<string, string> Hyperparameters { get; init; } = new Dictionary<string, string>();
    public string? InstanceType { get; init; }
    public int? InstanceCount { get; init; }
    public InputMode InputMode { get; init; } = InputMode.Pipe;
    public string? JobName { get; init; }
    public bool NoWait { get; init; }
    public bool StopOnCancel { get; init; }
}

public sealed record TrainResult(
    [property: JsonPropertyName("job_name")] string JobName,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("model_artifact")] string? ModelArtifact,
    [property: JsonPropertyName("hyperparameters")] IReadOnlyDictionary<string, string> Hyperparameters,
    [property: JsonPropertyName("metrics")] IReadOnlyDictionary<string, double> Metrics);

/// <summary>
/// train: validate the hyperparameters (the same rules on every target), start a training job with train and
/// test channels, wait while streaming status and logs, and report the test metrics.
/// </summary>
public sealed class TrainWorkflow(WorkflowContext context)
{
    /// <summary>The reference notebook's hyperparameters, used for any required one not given.</summary>
    public static readonly IReadOnlyDictionary<string, string> NotebookDefaults = new Dictionary<string, string>
    {
        ["k"] = "1",
        ["sample_size"] = "1000",
        ["predictor_type"] = "classifier",
    };

    public async Task<TrainResult> RunAsync(TrainOptions options, CancellationToken cancellationToken)
    {
        CheckNames(options, context);
        var state = await context.State.LoadAsync(cancellationToken);
        var given = CheckHyperparameters(options, state);
        await context.Costs.ConfirmAsync(context, "train", [Spend(options, context)], cancellationToken);

        await using var target = context.CreateTarget();
        var (request, bucket) = await PlanAsync(target, options, state, given, cancellationToken);
        var sent = request.Hyperparameters.ToStringMap().Concat(given.Extra).ToDictionary(p => p.Key, p => p.Value);
        context.Log.Info($"Training job {request.JobName} on {target.Name}: {string.Join(", ", sent.Select(p => $"{p.Key}={p.Value}"))}");

        // Recorded before it starts, so after Ctrl-C, kill -9 or --no-wait, `knn wait` and `knn status` know the job.
        await context.RecordDataAsync(bucket, request.Train, request.Test, s => Current(s, request.JobName, TrainingStatus.InProgress)
            with { PredictorType = given.PredictorType }, cancellationToken);
        TrainingResult result;
        try
        {
            result = await target.Trainer.TrainAsync(request, !options.NoWait, context.Log, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var status = await HandleCancelAsync(target, request.JobName, options.StopOnCancel);
            if (!context.Settings.DryRun)
                await context.State.UpdateAsync(s => Current(s, request.JobName, status), CancellationToken.None);
            throw;
        }

        await context.RecordDataAsync(bucket, request.Train, request.Test, s => Current(s, result.JobName, result.Status, result.ModelArtifact), cancellationToken);
        return Report(result, sent);
    }

    /// <summary>Train's hyperparameters, checked with the container's rules: typed, the pass-through extras, and the predictor type.</summary>
    internal sealed record CheckedHyperparameters(KnnHyperparameters Typed, IReadOnlyDictionary<string, string> Extra, string PredictorType);

    /// <summary>The given hyperparameters (the notebook's filling required gaps) and instance count, checked before anything starts.</summary>
    internal static CheckedHyperparameters CheckHyperparameters(TrainOptions options, KnnState state)
    {
        var (known, extra) = SplitHyperparameters(options.Hyperparameters, state);
        KnnHyperparameters hyperparameters;
        try
        {
            hyperparameters = KnnHyperparameters.Parse(known);
        }
        catch (HyperparameterException e)
        {
            throw new InputException(e.Message, e);
        }

        if (options.InstanceCount is < 1) throw new InputException($"--instance-count {options.InstanceCount}: must be at least 1.");
        return new(hyperparameters, extra, known["predictor_type"]);
    }

    /// <summary>
    /// The training job train would start (a tuning job's training jobs start the same): the bucket, the channels
    /// (uploading a local file), feature_dim from the data, instances and output path.
    /// </summary>
    internal async Task<(TrainingRequest Request, string Bucket)> PlanAsync(ITarget target, TrainOptions options, KnnState state, CheckedHyperparameters given, CancellationToken cancellationToken)
    {
        var instanceCount = options.InstanceCount ?? 1;
        var bucket = await context.ResolveBucketAsync(target, state, cancellationToken);
        var upload = new UploadWorkflow(context);
        var (trainUri, trainLocal) = await ResolveChannelAsync(target, upload, options.Train, state.TrainUri, state.TrainFile, bucket, "train", instanceCount, cancellationToken)
            ?? throw new InputException("Nothing to train on: run `knn prepare` and `knn upload`, or pass --train FILE|s3://….");
        var testChannel = await ResolveChannelAsync(target, upload, options.Test, options.Train is null ? state.TestUri : null, options.Train is null ? state.TestFile : null, bucket, "test", 1, cancellationToken);

        var hyperparameters = given.Typed;
        var firstTrainObject = context.Settings.DryRun ? trainUri : await TrainChannel.CheckAsync(target, trainUri, instanceCount, cancellationToken);
        var featureCount = await CountFeaturesAsync(target, firstTrainObject, trainLocal, hyperparameters.FeatureDim, cancellationToken);
        try
        {
            hyperparameters.ValidateAgainst(featureCount);
        }
        catch (HyperparameterException e)
        {
            throw new InputException(e.Message, e);
        }

        var request = new TrainingRequest
        {
            JobName = options.JobName ?? WorkflowContext.UniqueName("knn"),
            Hyperparameters = hyperparameters with { FeatureDim = featureCount },
            ExtraHyperparameters = given.Extra,
            Train = trainUri,
            Test = testChannel?.Uri,
            ContentType = ChannelContentType(firstTrainObject, testChannel?.Uri),
            OutputPath = context.OutputPrefix(bucket),
            InstanceType = options.InstanceType ?? TrainingRequest.DefaultInstanceType,
            InstanceCount = instanceCount,
            InputMode = options.InputMode,
            RoleArn = context.Settings.RoleArn,
            Tags = context.Settings.Production.Tags,
        };
        return (request, bucket);
    }

    /// <summary>The job as the current one: its model only once it completed, so an older job's model never stands in for it.</summary>
    internal static KnnState Current(KnnState state, string jobName, TrainingStatus status, StoreUri? modelArtifact = null) => state with
    {
        TrainingJobName = jobName,
        TrainingJobStatus = status.ToString(),
        ModelArtifactUri = status == TrainingStatus.Completed ? modelArtifact?.ToString() : null,
    };

    /// <summary>The job's outcome for the user; a failed job is the remote work failing (exit 1) with the service's reason.</summary>
    internal static TrainResult Report(TrainingResult result, IReadOnlyDictionary<string, string> hyperparameters)
    {
        if (result.Status == TrainingStatus.Failed)
            throw new RemoteFailureException($"Training job {result.JobName} failed: {result.FailureReason ?? "no reason given"}");
        return new TrainResult(result.JobName, result.Status.ToString(), result.ModelArtifact?.ToString(), hyperparameters,
            result.Metrics.ToDictionary(m => m.Name, m => m.Value));
    }

    /// <summary>What a training job starts: its instances, each stopped by MaxRuntimeInSeconds at the latest.</summary>
    public static InstanceSpend Spend(TrainOptions options, WorkflowContext context)
    {
        var maxRun = context.Settings.Production.MaxRunSeconds;
        return new("training job", options.InstanceType ?? TrainingRequest.DefaultInstanceType, options.InstanceCount ?? 1,
            TimeSpan.FromSeconds(maxRun), $"each instance stops within MaxRuntimeInSeconds {maxRun}");
    }

    /// <summary>The given job name and role follow SageMaker's rules, on every target, before any call.</summary>
    public static void CheckNames(TrainOptions options, WorkflowContext context)
    {
        ResourceNames.TrainingJob.Check("--job-name", options.JobName);
        ResourceNames.Role.Check("--role", context.Settings.RoleArn);
    }

    /// <summary>Typed hyperparameters and --hp values by SageMaker name; the notebook's values fill required gaps.</summary>
    private static (Dictionary<string, string> Known, Dictionary<string, string> Extra) SplitHyperparameters(IReadOnlyDictionary<string, string> given, KnnState state)
    {
        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in given)
        {
            // SageMaker-set names (a leading underscore, except those the container reads) pass through untouched.
            if (name.StartsWith('_') && name is not ("_faiss_index_nprobe" or "_seed")) extra[name] = value;
            else known[name] = value;
        }
        foreach (var (name, value) in NotebookDefaults)
            known.TryAdd(name, name == "predictor_type" ? state.PredictorType ?? value : value);
        return (known, extra);
    }

    /// <summary>A local file is uploaded in <paramref name="shards"/> parts, one per training instance.</summary>
    private async Task<(StoreUri Uri, string? LocalFile)?> ResolveChannelAsync(ITarget target, UploadWorkflow upload, string? given, string? stateUri, string? stateFile, string bucket, string channel, int shards, CancellationToken cancellationToken)
    {
        if (given is not null)
        {
            if (StoreUri.IsStoreUri(given)) return (StoreUri.Parse(given), null);
            if (!File.Exists(given)) throw new InputException($"--{channel} {given}: no such file.");
            return (await UploadAsync(target, upload, given, bucket, shards, cancellationToken), given);
        }
        if (stateUri is not null) return (StoreUri.Parse(stateUri), stateFile is not null && File.Exists(stateFile) ? stateFile : null);
        if (stateFile is not null && File.Exists(stateFile))
            return (await UploadAsync(target, upload, stateFile, bucket, shards, cancellationToken), stateFile);
        return null;
    }

    /// <summary>Uploads a channel's file, creating the target's default bucket first as upload does (a fresh account has none).</summary>
    private async Task<StoreUri> UploadAsync(ITarget target, UploadWorkflow upload, string file, string bucket, int shards, CancellationToken cancellationToken)
    {
        if (!context.Settings.DryRun) await target.Store.EnsureBucketAsync(bucket, cancellationToken);
        return await upload.PutAsync(target, file, bucket, shards, UploadFormat.Csv, cancellationToken);
    }

    /// <summary>feature_dim from the data: the first row's column count minus the label.</summary>
    private async Task<int> CountFeaturesAsync(ITarget target, StoreUri trainUri, string? localFile, int? declared, CancellationToken cancellationToken)
    {
        // A dry run may name data that is not uploaded yet; a declared feature_dim then stands for the data.
        if (context.Settings.DryRun && localFile is null && declared is { } dimension) return dimension;
        await using var stream = localFile is not null ? File.OpenRead(localFile) : await target.Store.OpenReadAsync(trainUri, cancellationToken);
        var source = localFile ?? trainUri.ToString();
        using var reader = TrainingData.OpenReader(stream, source, TrainingData.ContentTypeOf(source));
        var batch = await reader.ReadBatchAsync(1, cancellationToken);
        if (batch.RowCount == 0) throw DataErrors.InFile(localFile ?? trainUri.ToString(), "the train channel holds no rows");
        return batch.FeatureCount;
    }

    /// <summary>One content type for both channels, as a k-NN training job takes it.</summary>
    private static string ChannelContentType(StoreUri train, StoreUri? test)
    {
        var contentType = TrainingData.ContentTypeOf(train.ToString());
        if (test is { } testUri && TrainingData.ContentTypeOf(testUri.ToString()) != contentType)
            throw new InputException($"The train channel ({train}) and the test channel ({testUri}) have different formats; upload both with the same --format.");
        return contentType;
    }

    /// <summary>Stops the job when asked (a local job always stops with its process); returns the status it is left in.</summary>
    private async Task<TrainingStatus> HandleCancelAsync(ITarget target, string jobName, bool stop)
    {
        if (target.Name == "local") return TrainingStatus.Stopped;
        if (stop)
        {
            context.Log.Warn($"Stopping training job {jobName}…");
            await target.Trainer.StopAsync(jobName, CancellationToken.None);
            context.Log.Warn($"Training job {jobName} is stopping.");
            return TrainingStatus.Stopping;
        }
        context.Log.Warn($"Stopped waiting; training job {jobName} is still running (and billing). Attach again with `knn wait`, "
            + $"or stop it with: aws sagemaker stop-training-job --training-job-name {jobName} (or train with --stop-on-cancel)");
        return TrainingStatus.InProgress;
    }
}
