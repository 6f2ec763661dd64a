using KnnCli.Engine;

namespace KnnCli.Core.Targets;

public enum InputMode { Pipe, File }

/// <summary>A k-NN training job as CreateTrainingJob describes it.</summary>
public sealed record TrainingRequest
{
    public const string DefaultInstanceType = "ml.m5.large";

    public required string JobName { get; init; }
    public required KnnHyperparameters Hyperparameters { get; init; }
    /// <summary>Extra hyperparameters passed through as given (--hp NAME=VALUE).</summary>
    public IReadOnlyDictionary<string, string> ExtraHyperparameters { get; init; } = new Dictionary<string, string>();
    public required StoreUri Train { get; init; }
    public StoreUri? Test { get; init; }
    /// <summary>Both channels' content type: text/csv or application/x-recordio-protobuf.</summary>
    public string ContentType { get; init; } = "text/csv";
    /// <summary>The job writes its model to &lt;OutputPath&gt;/&lt;JobName&gt;/output/model.tar.gz.</summary>
    public required StoreUri OutputPath { get; init; }
    public string InstanceType { get; init; } = DefaultInstanceType;
    public int InstanceCount { get; init; } = 1;
    public InputMode InputMode { get; init; } = InputMode.Pipe;
    public string? RoleArn { get; init; }
    public int MaxRuntimeSeconds { get; init; } = Settings.ProductionSettings.DefaultMaxRunSeconds;
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

public enum TrainingStatus { InProgress, Completed, Failed, Stopping, Stopped }

/// <summary>A metric the job reported (test:accuracy, test:mse, test:macro_f1 …).</summary>
public sealed record TrainingMetric(string Name, double Value);

public sealed record TrainingResult
{
    public required string JobName { get; init; }
    public required TrainingStatus Status { get; init; }
    public StoreUri? ModelArtifact { get; init; }
    public IReadOnlyList<TrainingMetric> Metrics { get; init; } = [];
    public string? FailureReason { get; init; }
    public double? BillableSeconds { get; init; }
    /// <summary>Seconds the job trained (SageMaker's TrainingTimeInSeconds); above the billable ones for a spot job.</summary>
    public double? TrainingSeconds { get; init; }
}

/// <summary>Runs training jobs: the in-process trainer, or SageMaker training jobs.</summary>
public interface ITrainer
{
    /// <summary>
    /// Starts the job and, when <paramref name="wait"/> is true, waits for it to end, streaming status changes and
    /// container log lines to <paramref name="log"/>. Without waiting the result is InProgress.
    /// </summary>
    Task<TrainingResult> TrainAsync(TrainingRequest request, bool wait, IWorkflowLog log, CancellationToken cancellationToken);

    /// <summary>Waits for an existing job (re-attaching), streaming its logs.</summary>
    Task<TrainingResult> WaitAsync(string jobName, IWorkflowLog log, CancellationToken cancellationToken);

    Task StopAsync(string jobName, CancellationToken cancellationToken);

    /// <summary>The job's container log so far, oldest line first (all instances' streams merged by time).</summary>
    IAsyncEnumerable<string> ReadLogAsync(string jobName, CancellationToken cancellationToken);
}
