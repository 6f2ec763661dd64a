namespace KnnCli.Core.Targets;

/// <summary>A Batch Transform job as CreateTransformJob describes it, with the model it runs created for it.</summary>
public sealed record BatchTransformRequest
{
    public const string DefaultInstanceType = "ml.m5.large";

    /// <summary>Built-in algorithms do not support chunked payloads (0): 6 MB, the service's default, is the largest safe request.</summary>
    public const int MaxPayloadInMb = 6;

    public required string JobName { get; init; }
    /// <summary>The SageMaker model created from <see cref="ModelArtifact"/> for this job.</summary>
    public required string ModelName { get; init; }
    public required StoreUri ModelArtifact { get; init; }
    /// <summary>An object or prefix of CSV rows (S3Prefix): each object's rows are predicted into &lt;Output&gt;/&lt;name&gt;.out.</summary>
    public required StoreUri Input { get; init; }
    public required StoreUri Output { get; init; }
    /// <summary>application/jsonlines, or with "; verbose=true" each neighbour's label and distance.</summary>
    public required string Accept { get; init; }
    /// <summary>DataProcessing.InputFilter: "$[1:]" drops a label column before the rows reach the model.</summary>
    public string? InputFilter { get; init; }
    /// <summary>DataProcessing.JoinSource Input: each output line carries its input row.</summary>
    public bool JoinInput { get; init; }
    public string InstanceType { get; init; } = DefaultInstanceType;
    public int InstanceCount { get; init; } = 1;
    /// <summary>SageMaker sets no time limit on a transform job: the waiter stops it after this long.</summary>
    public required TimeSpan MaxRuntime { get; init; }
    public string? RoleArn { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

/// <summary>How a transform job ended: Completed, Failed or Stopped (SageMaker's TransformJobStatus).</summary>
public sealed record BatchTransformResult(string JobName, string Status, string? FailureReason);

/// <summary>Batch Transform: offline inference on the target's instances (SageMaker); the local target transforms in process instead.</summary>
public interface IBatchTransformer
{
    /// <summary>
    /// Creates the model and the transform job and waits until the job ends (TransformJobCompletedOrStopped), reporting
    /// its status; a cancelled wait stops the job, as nothing could attach to it again.
    /// </summary>
    Task<BatchTransformResult> TransformAsync(BatchTransformRequest request, IWorkflowLog log, CancellationToken cancellationToken);
}
