using System.Diagnostics;
using System.Globalization;
using KnnCli.Core.Errors;
using KnnCli.Core.Settings;
using KnnCli.Core.Targets;
using KnnCli.Targets.SageMaker.Logs;
using KnnCli.Targets.SageMaker.SageMaker;

namespace KnnCli.Targets.SageMaker;

/// <summary>SageMaker training jobs running the built-in k-NN image, waited on like the Python SDK's fit(wait=True, logs=True).</summary>
internal sealed class SageMakerTrainer(
    ISageMakerClient sageMaker, ICloudWatchLogsClient logs, string region, string? defaultRoleArn, bool dryRun, SageMakerTimings timings, ProductionSettings? production = null)
    : ITrainer
{
    private readonly ProductionSettings _production = production ?? ProductionSettings.None;

    /// <summary>The volume size the Python SDK gives training instances by default.</summary>
    public const int VolumeSizeInGb = 30;

    public async Task<TrainingResult> TrainAsync(TrainingRequest request, bool wait, IWorkflowLog log, CancellationToken cancellationToken)
    {
        await sageMaker.CreateTrainingJobAsync(CreateRequest(request), cancellationToken).ConfigureAwait(false);
        if (dryRun)
        {
            return new TrainingResult
            {
                JobName = request.JobName,
                Status = TrainingStatus.InProgress,
                ModelArtifact = request.OutputPath.Append($"{request.JobName}/output/model.tar.gz"),
            };
        }

        log.Info($"Started training job {request.JobName}.");
        return wait
            ? await WaitAsync(request.JobName, log, cancellationToken).ConfigureAwait(false)
            : new TrainingResult { JobName = request.JobName, Status = TrainingStatus.InProgress };
    }

    internal CreateTrainingJobRequest CreateRequest(TrainingRequest request)
    {
        var role = request.RoleArn ?? defaultRoleArn
            ?? throw new InputException("Training on SageMaker needs an execution role: pass --role arn:aws:iam::<account>:role/<name>.");
        var inputMode = request.InputMode == InputMode.File ? "File" : "Pipe";
        var hyperparameters = request.Hyperparameters.ToStringMap();
        foreach (var (name, value) in request.ExtraHyperparameters) hyperparameters[name] = value;
        if (!hyperparameters.ContainsKey("feature_dim"))
            throw new InputException("Hyperparameter 'feature_dim' must be known before a SageMaker training job starts.");

        return new CreateTrainingJobRequest
        {
            TrainingJobName = request.JobName,
            RoleArn = role,
            AlgorithmSpecification = new AlgorithmSpecification { TrainingImage = KnnImageUris.For(region), TrainingInputMode = inputMode },
            HyperParameters = hyperparameters,
            InputDataConfig =
            [
                // Several instances each take their own shard of the train objects; every instance scores the whole test channel.
                Channel("train", request.Train, request.ContentType, inputMode, request.InstanceCount > 1 ? "ShardedByS3Key" : "FullyReplicated"),
                .. request.Test is { } test ? [Channel("test", test, request.ContentType, inputMode, "FullyReplicated")] : Array.Empty<Channel>(),
            ],
            OutputDataConfig = new OutputDataConfig { S3OutputPath = request.OutputPath.ToString(), KmsKeyId = _production.KmsKeyId },
            ResourceConfig = new ResourceConfig
            {
                InstanceType = request.InstanceType,
                InstanceCount = request.InstanceCount,
                VolumeSizeInGB = VolumeSizeInGb,
                VolumeKmsKeyId = _production.KmsKeyId,
            },
            StoppingCondition = new StoppingCondition
            {
                // A max runtime given in the production settings (--max-run) wins over the request's default.
                MaxRuntimeInSeconds = _production.MaxRunSeconds != ProductionSettings.DefaultMaxRunSeconds ? _production.MaxRunSeconds : request.MaxRuntimeSeconds,
                MaxWaitTimeInSeconds = _production.EffectiveMaxWaitSeconds,
            },
            Tags = KnnTags.With(_production.Tags, request.Tags),
            VpcConfig = Vpc(_production),
            // Unset flags are left out, as the SDK does, so a plain job's request is unchanged.
            EnableNetworkIsolation = _production.NetworkIsolation ? true : null,
            EnableInterContainerTrafficEncryption = _production.InterContainerEncryption ? true : null,
            EnableManagedSpotTraining = _production.Spot ? true : null,
        };
    }

    /// <summary>The VpcConfig of training jobs and models; null when no subnets are configured.</summary>
    internal static VpcConfig? Vpc(ProductionSettings production) =>
        production.HasVpc ? new VpcConfig { Subnets = production.Subnets, SecurityGroupIds = production.SecurityGroupIds } : null;

    private static Channel Channel(string name, StoreUri data, string contentType, string inputMode, string distribution) => new()
    {
        ChannelName = name,
        DataSource = new DataSource { S3DataSource = new S3DataSource { S3DataType = "S3Prefix", S3Uri = data.ToString(), S3DataDistributionType = distribution } },
        ContentType = contentType,
        InputMode = inputMode,
    };

    public async Task<TrainingResult> WaitAsync(string jobName, IWorkflowLog log, CancellationToken cancellationToken)
    {
        var job = await DescribeAsync(jobName, cancellationToken).ConfigureAwait(false);
        var tail = TailOf(jobName, job);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        var printer = new StatusPrinter(jobName, log);
        using var wait = log.Wait($"training {jobName}");
        printer.Print(job);
        wait.Describe(StatusOf(job));
        var sinceDescribe = Stopwatch.StartNew();

        while (true)
        {
            foreach (var logEvent in await tail.ReadNewAsync(cancellationToken).ConfigureAwait(false))
            {
                var line = LineOf(logEvent);
                log.Log(line);
                if (TrainingMetrics.Parse(line) is { } metric) metrics[metric.Name] = metric.Value;
            }

            // Ended at the last look: this read was the final one.
            if (IsTerminal(job.TrainingJobStatus)) break;

            await Task.Delay(timings.LogPollInterval, cancellationToken).ConfigureAwait(false);
            if (sinceDescribe.Elapsed >= timings.TrainingStatusInterval)
            {
                job = await DescribeAsync(jobName, cancellationToken).ConfigureAwait(false);
                sinceDescribe.Restart();
                printer.Print(job);
                wait.Describe(StatusOf(job));
            }
        }

        foreach (var final in job.FinalMetricDataList ?? [])
        {
            if (final.MetricName is { } name && final.Value is { } value) metrics[name] = value;
        }
        foreach (var line in BillingSummary(job)) log.Info(line);
        return ToResult(job, metrics);
    }

    private static string StatusOf(DescribeTrainingJobResponse job) =>
        job.SecondaryStatus is { } secondary && secondary != job.TrainingJobStatus ? $"{job.TrainingJobStatus} ({secondary})" : job.TrainingJobStatus ?? "";

    /// <summary>
    /// The lines the SageMaker Python SDK prints when a job ends: training and billable seconds, and for a managed spot
    /// job the saving, (1 - billable / training) × 100 %.
    /// </summary>
    internal static IEnumerable<string> BillingSummary(DescribeTrainingJobResponse job)
    {
        if (job.TrainingTimeInSeconds is { } training) yield return $"Training seconds: {training}";
        if (job.BillableTimeInSeconds is { } billable) yield return $"Billable seconds: {billable}";
        if (job.EnableManagedSpotTraining == true && job.TrainingTimeInSeconds is int total and > 0 && job.BillableTimeInSeconds is int paid)
            yield return string.Create(CultureInfo.InvariantCulture, $"Managed Spot Training savings: {(1 - (double)paid / total) * 100:0.0}%");
    }

    public async IAsyncEnumerable<string> ReadLogAsync(string jobName, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var job = await DescribeAsync(jobName, cancellationToken).ConfigureAwait(false);
        foreach (var logEvent in await TailOf(jobName, job).ReadNewAsync(cancellationToken).ConfigureAwait(false))
            yield return LineOf(logEvent);
    }

    /// <summary>The job's CloudWatch streams, one per instance.</summary>
    private TrainingLogTail TailOf(string jobName, DescribeTrainingJobResponse job) => new(logs, jobName, job.ResourceConfig?.InstanceCount ?? 1);

    private static string LineOf(OutputLogEvent logEvent) => logEvent.Message?.TrimEnd('\n', '\r') ?? "";

    public async Task StopAsync(string jobName, CancellationToken cancellationToken) =>
        await sageMaker.StopTrainingJobAsync(new StopTrainingJobRequest { TrainingJobName = jobName }, cancellationToken).ConfigureAwait(false);

    private Task<DescribeTrainingJobResponse> DescribeAsync(string jobName, CancellationToken cancellationToken) =>
        sageMaker.DescribeTrainingJobAsync(new DescribeTrainingJobRequest { TrainingJobName = jobName }, cancellationToken);

    private static bool IsTerminal(string? status) => status is "Completed" or "Failed" or "Stopped";

    private static TrainingResult ToResult(DescribeTrainingJobResponse job, Dictionary<string, double> metrics)
    {
        var status = job.TrainingJobStatus switch
        {
            "Completed" => TrainingStatus.Completed,
            "Failed" => TrainingStatus.Failed,
            "Stopping" => TrainingStatus.Stopping,
            "Stopped" or "Deleting" => TrainingStatus.Stopped,
            _ => TrainingStatus.InProgress,
        };
        return new TrainingResult
        {
            JobName = job.TrainingJobName ?? "",
            Status = status,
            ModelArtifact = status == TrainingStatus.Completed && job.ModelArtifacts?.S3ModelArtifacts is { } artifact ? StoreUri.Parse(artifact) : null,
            Metrics = [.. metrics.Select(m => new TrainingMetric(m.Key, m.Value))],
            FailureReason = job.FailureReason,
            BillableSeconds = job.BillableTimeInSeconds,
            TrainingSeconds = job.TrainingTimeInSeconds,
        };
    }

    /// <summary>Prints the job's status and each new secondary-status transition once, as the Python SDK does.</summary>
    private sealed class StatusPrinter(string jobName, IWorkflowLog log)
    {
        private string? _status;
        private int _transitionsShown;
        private string? _lastSecondary;

        public void Print(DescribeTrainingJobResponse job)
        {
            if (job.TrainingJobStatus != _status)
            {
                _status = job.TrainingJobStatus;
                log.Info($"Training job {jobName}: {_status}");
            }

            var transitions = job.SecondaryStatusTransitions ?? [];
            if (transitions.Count > 0)
            {
                // The last transition's message can change while its status stays: show it again when it does.
                if (transitions.Count == _transitionsShown && Describe(transitions[^1]) != _lastSecondary) _transitionsShown--;
                foreach (var transition in transitions.Skip(_transitionsShown))
                {
                    _lastSecondary = Describe(transition);
                    log.Info(_lastSecondary);
                }
                _transitionsShown = transitions.Count;
            }
            else if (job.SecondaryStatus is { } secondary && secondary != _lastSecondary)
            {
                _lastSecondary = secondary;
                log.Info(secondary);
            }
        }

        private static string Describe(SecondaryStatusTransition t) =>
            string.IsNullOrEmpty(t.StatusMessage) ? t.Status ?? "" : $"{t.Status} - {t.StatusMessage}";
    }
}
