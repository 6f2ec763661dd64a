namespace KnnCli.Core.Targets;

public sealed record InvocationResult(byte[] Body, string ContentType);

/// <summary>InvokeEndpoint: the local server over HTTP, or SageMaker Runtime.</summary>
public interface IEndpointRuntime
{
    /// <summary>Sends one request body; a non-success answer throws a KnnException carrying the endpoint's reason.</summary>
    Task<InvocationResult> InvokeAsync(string endpointName, ReadOnlyMemory<byte> body, string contentType, string accept, CancellationToken cancellationToken);
}
