using System.Net.Http.Headers;
using System.Text.Json;
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

/// <summary>InvokeEndpointAsync's input (rest-json: no body; every member but EndpointName is a header).</summary>
public sealed class InvokeEndpointAsyncRequest
{
    public required string EndpointName { get; init; }
    /// <summary>Where the request body is stored (s3://…).</summary>
    public required string InputLocation { get; init; }
    public string? ContentType { get; init; }
    public string? Accept { get; init; }
    public string? CustomAttributes { get; init; }
    public string? InferenceId { get; init; }
}

public sealed class InvokeEndpointAsyncResponse
{
    public string? InferenceId { get; init; }
    public string? OutputLocation { get; init; }
    public string? FailureLocation { get; init; }
}

/// <summary>SageMaker Runtime, shaped like AWSSDK.SageMakerRuntime's IAmazonSageMakerRuntime.</summary>
public interface ISageMakerRuntimeClient
{
    Task<InvokeEndpointResponse> InvokeEndpointAsync(InvokeEndpointRequest request, CancellationToken cancellationToken);

    /// <summary>InvokeEndpointAsync (the SDK's InvokeEndpointAsyncAsync): queues a stored request on an asynchronous endpoint.</summary>
    Task<InvokeEndpointAsyncResponse> InvokeEndpointAsyncAsync(InvokeEndpointAsyncRequest request, CancellationToken cancellationToken);
}

/// <summary>POST /endpoints/{EndpointName}/invocations and /async-invocations, signed as service "sagemaker".</summary>
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

    public async Task<InvokeEndpointAsyncResponse> InvokeEndpointAsyncAsync(InvokeEndpointAsyncRequest request, CancellationToken cancellationToken)
    {
        var url = new Uri(endpoint, $"endpoints/{Uri.EscapeDataString(request.EndpointName)}/async-invocations");
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent([]) };
        message.Headers.TryAddWithoutValidation("X-Amzn-SageMaker-InputLocation", request.InputLocation);
        if (request.ContentType is not null) message.Headers.TryAddWithoutValidation("X-Amzn-SageMaker-Content-Type", request.ContentType);
        if (request.Accept is not null) message.Headers.TryAddWithoutValidation("X-Amzn-SageMaker-Accept", request.Accept);
        if (request.CustomAttributes is not null) message.Headers.TryAddWithoutValidation("X-Amzn-SageMaker-Custom-Attributes", request.CustomAttributes);
        if (request.InferenceId is not null) message.Headers.TryAddWithoutValidation("X-Amzn-SageMaker-Inference-Id", request.InferenceId);

        using var response = await AwsResponses.SendAsync(http, message, AwsService.SageMakerRuntime, "InvokeEndpointAsync", cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        string? inferenceId = null;
        try
        {
            // The one body member: {"InferenceId": "..."}.
            if (body.Length > 0)
            {
                using var json = JsonDocument.Parse(body);
                if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("InferenceId", out var id)) inferenceId = id.GetString();
            }
        }
        catch (JsonException e)
        {
            throw new AwsServiceException(AwsService.SageMakerRuntime, "InvokeEndpointAsync", (int)response.StatusCode, "InvalidResponse", $"the answer is not the expected JSON ({e.Message})", AwsResponses.RequestId(response));
        }
        return new InvokeEndpointAsyncResponse
        {
            InferenceId = inferenceId,
            OutputLocation = Header(response, "X-Amzn-SageMaker-OutputLocation"),
            FailureLocation = Header(response, "X-Amzn-SageMaker-FailureLocation"),
        };
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
