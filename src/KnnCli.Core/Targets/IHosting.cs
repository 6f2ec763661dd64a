namespace KnnCli.Core.Targets;

/// <param name="ProvisionedConcurrency">Invocations kept warm (1..MaxConcurrency); none when null.</param>
public sealed record ServerlessSettings(int MemorySizeInMb, int MaxConcurrency, int? ProvisionedConcurrency = null);

/// <summary>
/// Asynchronous inference (CreateEndpointConfig's AsyncInferenceConfig): requests are queued, each result is written
/// to <see cref="OutputPath"/> (a failure to <see cref="FailurePath"/>), and SNS topics may be told of each.
/// </summary>
public sealed record AsyncInferenceSettings
{
    public required StoreUri OutputPath { get; init; }
    public StoreUri? FailurePath { get; init; }
    public string? SuccessTopic { get; init; }
    public string? ErrorTopic { get; init; }
    /// <summary>Requests one instance works on at once (1..1000); the service chooses when null.</summary>
    public int? MaxConcurrentInvocationsPerInstance { get; init; }
}

/// <summary>CreateModel + CreateEndpointConfig + CreateEndpoint in one request.</summary>
public sealed record DeployRequest
{
    public const string DefaultInstanceType = "ml.t2.medium";

    public required string ModelName { get; init; }
    public required string EndpointConfigName { get; init; }
    public required string EndpointName { get; init; }
    public required StoreUri ModelArtifact { get; init; }
    public string InstanceType { get; init; } = DefaultInstanceType;
    public int InstanceCount { get; init; } = 1;
    /// <summary>When set, a serverless endpoint instead of instances.</summary>
    public ServerlessSettings? Serverless { get; init; }
    /// <summary>When set, an asynchronous endpoint.</summary>
    public AsyncInferenceSettings? Async { get; init; }
    /// <summary>
    /// An asynchronous endpoint that scales in to zero instances when its queue is empty and out again (up to
    /// <see cref="InstanceCount"/>) when requests wait: Application Auto Scaling on the variant's instance count.
    /// </summary>
    public bool ScaleToZero { get; init; }
    public string? RoleArn { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

public sealed record EndpointDescription
{
    public required string EndpointName { get; init; }
    /// <summary>SageMaker's EndpointStatus (Creating, InService, Failed …).</summary>
    public required string Status { get; init; }
    public string? FailureReason { get; init; }
    /// <summary>Where the endpoint answers, when the target knows (local: http://127.0.0.1:port).</summary>
    public string? Url { get; init; }
    /// <summary>The local server's process id (local target only).</summary>
    public int? ProcessId { get; init; }
    /// <summary>A serverless endpoint, whose request payload limit (4 MB) is below the real-time 6 MB.</summary>
    public bool Serverless { get; init; }
    /// <summary>An asynchronous endpoint: predict queues requests (InvokeEndpointAsync) and reads results from the store.</summary>
    public AsyncInferenceSettings? Async { get; init; }
}

public enum DeleteOutcome { Deleted, NotFound }

public sealed record DeletedResource(string Kind, string Name, DeleteOutcome Outcome);

/// <summary>A knn-made resource that still exists (and may be costing money).</summary>
public sealed record LiveResource(string Kind, string Name, string Status, DateTimeOffset? Created)
{
    public bool Is(State.KnnResource resource) => resource.Is(Kind, Name);
}

/// <summary>Models, endpoint configs and endpoints.</summary>
public interface IHosting
{
    /// <summary>Refuses, before anything is uploaded, recorded, created or billed, a deploy this target cannot carry out with this role.</summary>
    void CheckCanDeploy(string? roleArn) { }

    /// <summary>Creates model, endpoint config and endpoint, and waits until the endpoint is InService.</summary>
    Task<EndpointDescription> DeployAsync(DeployRequest request, IWorkflowLog log, CancellationToken cancellationToken);

    /// <summary>Null when the endpoint does not exist.</summary>
    Task<EndpointDescription?> DescribeEndpointAsync(string endpointName, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes endpoint, endpoint config and model (each may be null to skip), waiting until the endpoint is gone.
    /// A resource that does not exist is reported as NotFound, never an error, so cleanup is idempotent.
    /// </summary>
    Task<IReadOnlyList<DeletedResource>> DeleteAsync(string? endpointName, string? endpointConfigName, string? modelName, IWorkflowLog log, CancellationToken cancellationToken);

    /// <summary>What knn created that still exists.</summary>
    Task<IReadOnlyList<LiveResource>> ListLiveAsync(CancellationToken cancellationToken);
}
