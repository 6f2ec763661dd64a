using System.Net.Http.Headers;
using KnnCli.Targets.SageMaker.Aws;
using KnnCli.Targets.SageMaker.Http;

namespace KnnCli.Targets.SageMaker.Runtime;

/// <summary>InvokeEndpoint's input (rest-json: EndpointName in the path, Body as the payload, the rest as headers).</summary>
public sealed class InvokeEndpointRequest
{
    public required string EndpointName { get; init; }
    public required ReadOnlyMemory<byte> Body { get; init; }
    public string? ContentType { get; init; }
    public string? Accept { get; init; }
    public string? CustomAttributes { get; init; }
}

public sealed class InvokeEndpointResponse
{
    public required byte[] Body { get; init; }
    public string? ContentType { get; init; }
    public string? InvokedProductionVariant { get; init; }
}

/// <summary>SageMaker Runtime, shaped like AWSSDK.SageMakerRuntime's IAmazonSageMakerRuntime.</summary>
public interface ISageMakerRuntimeClient
{
    Task<InvokeEndpointResponse> InvokeEndpointAsync(InvokeEndpointRequest request, CancellationToken cancellationToken);
}

/// <summary>POST /endpoints/{EndpointName}/invocations, signed as service "sagemaker".</summary>
internal sealed class SageMakerRuntimeClient(HttpClient http, Uri endpoint) : ISageMakerRuntimeClient
{
    /// <summary>The largest body InvokeEndpoint accepts, in and out.</summary>
    public const int MaxPayloadBytes = 6_291_456;

    public async Task<InvokeEndpointResponse> InvokeEndpointAsync(InvokeEndpointRequest request, CancellationToken cancellationToken)
    {
        if (request.Body.Length > MaxPayloadBytes)
            throw new KnnCli.Core.Errors.InputException($"The request body is {request.Body.Length} bytes; InvokeEndpoint accepts at most {MaxPayloadBytes}.");

        var url = new Uri(endpoint, $"endpoints/{Uri.EscapeDataString(request.EndpointName)}/invocations");
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ReadOnlyMemoryContent(request.Body) };
        if (request.ContentType is not null) message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType);
        if (request.Accept is not null) message.Headers.TryAddWithoutValidation("Accept", request.Accept);
        if (request.CustomAttributes is not null) message.Headers.TryAddWithoutValidation("X-Amzn-SageMaker-Custom-Attributes", request.CustomAttributes);

        using var response = await AwsResponses.SendAsync(http, message, AwsService.SageMakerRuntime, "InvokeEndpoint", cancellationToken).ConfigureAwait(false);
        return new InvokeEndpointResponse
        {
            Body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false),
            ContentType = response.Content.Headers.ContentType?.ToString(),
            InvokedProductionVariant = response.Headers.TryGetValues("x-Amzn-Invoked-Production-Variant", out var v) ? v.FirstOrDefault() : null,
        };
    }
}
