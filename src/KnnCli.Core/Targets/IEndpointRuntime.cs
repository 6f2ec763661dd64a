namespace KnnCli.Core.Targets;

public sealed record InvocationResult(byte[] Body, string ContentType);

/// <summary>Where an asynchronous endpoint will write the result of a queued request (InvokeEndpointAsync's answer).</summary>
/// <param name="FailureLocation">Where a failure is written instead; null when the endpoint has no failure path.</param>
public sealed record QueuedInvocation(string InferenceId, StoreUri OutputLocation, StoreUri? FailureLocation);

/// <summary>InvokeEndpoint: the local server over HTTP, or SageMaker Runtime.</summary>
public interface IEndpointRuntime
{
    /// <summary>Sends one request body; a non-success answer throws a KnnException carrying the endpoint's reason.</summary>
    Task<InvocationResult> InvokeAsync(string endpointName, ReadOnlyMemory<byte> body, string contentType, string accept, CancellationToken cancellationToken);

    /// <summary>
    /// InvokeEndpointAsync: queues the request whose body is already stored at <paramref name="input"/> on an
    /// asynchronous endpoint; the result appears later at the returned location.
    /// </summary>
    Task<QueuedInvocation> QueueAsync(string endpointName, StoreUri input, string contentType, string accept, CancellationToken cancellationToken);
}
