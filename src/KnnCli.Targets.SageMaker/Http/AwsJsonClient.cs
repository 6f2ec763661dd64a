using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KnnCli.Targets.SageMaker.Aws;

namespace KnnCli.Targets.SageMaker.Http;

/// <summary>
/// The AWS JSON RPC protocol: POST / with X-Amz-Target: &lt;prefix&gt;.&lt;Operation&gt; and the input members as JSON
/// (version 1.1, or 1.0 for services such as CloudWatch whose model says so).
/// </summary>
internal sealed class AwsJsonClient(HttpClient http, AwsService service, Uri endpoint, string targetPrefix, DryRunLog? dryRun, string jsonVersion = "1.1")
{
    private readonly MediaTypeHeaderValue _jsonContentType = new($"application/x-amz-json-{jsonVersion}");

    public AwsService Service => service;

    public Uri Endpoint => endpoint;

    /// <summary>Sends one operation. A mutating one under --dry-run is printed and answered with an empty response.</summary>
    public async Task<TResponse> SendAsync<TRequest, TResponse>(
        string operation, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, bool mutating, CancellationToken cancellationToken)
        where TResponse : new()
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        if (mutating && dryRun is not null)
        {
            dryRun.Print(service.DisplayName, operation, "POST", endpoint, System.Text.Encoding.UTF8.GetString(body));
            return new TResponse();
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = _jsonContentType;
        message.Headers.TryAddWithoutValidation("X-Amz-Target", $"{targetPrefix}.{operation}");
        using var response = await AwsResponses.SendAsync(http, message, service, operation, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (bytes.Length == 0) return new TResponse();
        try
        {
            return JsonSerializer.Deserialize(bytes, responseType) ?? new TResponse();
        }
        catch (JsonException e)
        {
            throw new AwsServiceException(service, operation, (int)response.StatusCode, "InvalidResponse", $"the answer is not the expected JSON ({e.Message})", AwsResponses.RequestId(response));
        }
    }
}
