namespace KnnCli.Targets.SageMaker.SageMaker;

// The hyperparameter tuning shapes (SageMaker 2017-07-24), named as in the service model; unset members are omitted.

public sealed class IntegerParameterRange
{
    public required string Name { get; init; }
    public required string MinValue { get; init; }
    public required string MaxValue { get; init; }
}

public sealed class CategoricalParameterRange
{
    public required string Name { get; init; }
    public required IReadOnlyList<string> Values { get; init; }
}

public sealed class ParameterRanges
{
    public IReadOnlyList<IntegerParameterRange>? IntegerParameterRanges { get; init; }
    public IReadOnlyList<CategoricalParameterRange>? CategoricalParameterRanges { get; init; }
}

public sealed class HyperParameterTuningJobObjective
{
    public required string Type { get; init; }
    public required string MetricName { get; init; }
}

public sealed class ResourceLimits
{
    public int? MaxNumberOfTrainingJobs { get; init; }
    public required int MaxParallelTrainingJobs { get; init; }
}

public sealed class HyperParameterTuningJobConfig
{
    public required string Strategy { get; init; }
    public HyperParameterTuningJobObjective? HyperParameterTuningJobObjective { get; init; }
    public required ResourceLimits ResourceLimits { get; init; }
    public ParameterRanges? ParameterRanges { get; init; }
}

/// <summary>What every training job of a tuning job runs: CreateTrainingJob's request less its name and tags, with the untuned hyperparameters.</summary>
public sealed class HyperParameterTrainingJobDefinition
{
    public IReadOnlyDictionary<string, string>? StaticHyperParameters { get; init; }
    public required AlgorithmSpecification AlgorithmSpecification { get; init; }
    public required string RoleArn { get; init; }
    public IReadOnlyList<Channel>? InputDataConfig { get; init; }
    public VpcConfig? VpcConfig { get; init; }
    public required OutputDataConfig OutputDataConfig { get; init; }
    public ResourceConfig? ResourceConfig { get; init; }
    public required StoppingCondition StoppingCondition { get; init; }
    public bool? EnableNetworkIsolation { get; init; }
    public bool? EnableInterContainerTrafficEncryption { get; init; }
    public bool? EnableManagedSpotTraining { get; init; }
}

public sealed class CreateHyperParameterTuningJobRequest
{
    public required string HyperParameterTuningJobName { get; init; }
    public required HyperParameterTuningJobConfig HyperParameterTuningJobConfig { get; init; }
    public HyperParameterTrainingJobDefinition? TrainingJobDefinition { get; init; }
    public IReadOnlyList<Tag>? Tags { get; init; }
}

public sealed class CreateHyperParameterTuningJobResponse
{
    public string? HyperParameterTuningJobArn { get; init; }
}

public sealed class DescribeHyperParameterTuningJobRequest
{
    public required string HyperParameterTuningJobName { get; init; }
}

public sealed class TrainingJobStatusCounters
{
    public int? Completed { get; init; }
    public int? InProgress { get; init; }
    public int? RetryableError { get; init; }
    public int? NonRetryableError { get; init; }
    public int? Stopped { get; init; }
}

public sealed class FinalHyperParameterTuningJobObjectiveMetric
{
    public string? Type { get; init; }
    public string? MetricName { get; init; }
    public double? Value { get; init; }
}

public sealed class HyperParameterTrainingJobSummary
{
    public string? TrainingJobName { get; init; }
    public string? TrainingJobStatus { get; init; }
    public Dictionary<string, string>? TunedHyperParameters { get; init; }
    public string? FailureReason { get; init; }
    public FinalHyperParameterTuningJobObjectiveMetric? FinalHyperParameterTuningJobObjectiveMetric { get; init; }
    public string? ObjectiveStatus { get; init; }
}

public sealed class DescribeHyperParameterTuningJobResponse
{
    public string? HyperParameterTuningJobName { get; init; }
    public string? HyperParameterTuningJobStatus { get; init; }
    public string? FailureReason { get; init; }
    public TrainingJobStatusCounters? TrainingJobStatusCounters { get; init; }
    public HyperParameterTrainingJobSummary? BestTrainingJob { get; init; }
}

public sealed class ListTrainingJobsForHyperParameterTuningJobRequest
{
    public required string HyperParameterTuningJobName { get; init; }
    public string? NextToken { get; init; }
    public int? MaxResults { get; init; }
}

public sealed class ListTrainingJobsForHyperParameterTuningJobResponse
{
    public List<HyperParameterTrainingJobSummary> TrainingJobSummaries { get; init; } = [];
    public string? NextToken { get; init; }
}

public sealed class StopHyperParameterTuningJobRequest
{
    public required string HyperParameterTuningJobName { get; init; }
}
