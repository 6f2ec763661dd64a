using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using KnnCli.Core.Errors;
using KnnCli.Core.Targets;

namespace KnnCli.Targets.Local;

/// <summary>
/// InvokeEndpoint for local endpoints: POST /invocations to the endpoint's server on loopback; InvokeEndpointAsync
/// through the server's Runtime API route (POST /endpoints/{name}/async-invocations), as an AWS SDK calls it.
/// </summary>
public sealed class LocalRuntime(LocalHosting hosting) : IEndpointRuntime, IDisposable
{
    private const string Redeploy = "Run `knn cleanup` and `knn deploy` to start it again.";

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(70) };

    public async Task<InvocationResult> InvokeAsync(string endpointName, ReadOnlyMemory<byte> body, string contentType, string accept, CancellationToken cancellationToken)
    {
        var url = await UrlAsync(endpointName, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, "/invocations"))
        {
            Content = new ReadOnlyMemoryContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        var (response, answer) = await SendAsync(endpointName, url, request, cancellationToken);
        using var _ = response;
        return new InvocationResult(answer, response.Content.Headers.ContentType?.ToString() ?? accept);
    }

    public async Task<QueuedInvocation> QueueAsync(string endpointName, StoreUri input, string contentType, string accept, CancellationToken cancellationToken)
    {
        var url = await UrlAsync(endpointName, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, $"/endpoints/{Uri.EscapeDataString(endpointName)}/async-invocations"))
        {
            Content = new ByteArrayContent([]),
        };
        request.Headers.TryAddWithoutValidation("X-Amzn-SageMaker-InputLocation", input.ToString());
        request.Headers.TryAddWithoutValidation("X-Amzn-SageMaker-Content-Type", contentType);
        request.Headers.TryAddWithoutValidation("X-Amzn-SageMaker-Accept", accept);
        var (response, answer) = await SendAsync(endpointName, url, request, cancellationToken);
        using var _ = response;
        using var json = JsonDocument.Parse(answer);
        var output = response.Headers.TryGetValues("X-Amzn-SageMaker-OutputLocation", out var outputs) ? outputs.First() : null;
        var failure = response.Headers.TryGetValues("X-Amzn-SageMaker-FailureLocation", out var failures) ? failures.First() : null;
        if (output is null) throw new RemoteFailureException($"Endpoint {endpointName} at {url} answered InvokeEndpointAsync without an output location.");
        return new QueuedInvocation(json.RootElement.GetProperty("InferenceId").GetString() ?? "", StoreUri.Parse(output), failure is null ? null : StoreUri.Parse(failure));
    }

    private async Task<Uri> UrlAsync(string endpointName, CancellationToken cancellationToken)
    {
        var endpoint = await hosting.DescribeEndpointAsync(endpointName, cancellationToken)
            ?? throw new NotFoundException($"Endpoint {endpointName} not found (local target). Run `knn deploy` first.");
        if (endpoint.Status != "InService" || endpoint.Url is null)
            throw new RemoteFailureException($"Endpoint {endpointName} is {endpoint.Status}: {endpoint.FailureReason} {Redeploy}");
        return new Uri(endpoint.Url);
    }

    /// <summary>Sends one request; an error answer throws (exit 2 for the request's fault, else 1) with the server's reason.</summary>
    private async Task<(HttpResponseMessage Response, byte[] Body)> SendAsync(string endpointName, Uri url, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        byte[] answer;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
            answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (HttpRequestException e)
        {
            // The server died or stopped listening after the status check (or mid-request).
            throw new RemoteFailureException($"Endpoint {endpointName} at {url} does not answer ({e.Message}). {Redeploy}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RemoteFailureException($"Endpoint {endpointName} at {url} gave no answer within {_http.Timeout.TotalSeconds:0} s. {Redeploy}", e);
        }
        if (response.IsSuccessStatusCode) return (response, answer);
        using (response)
        {
            var reason = System.Text.Encoding.UTF8.GetString(answer).Trim();
            var message = $"Endpoint {endpointName} answered {(int)response.StatusCode}: {(reason.Length > 500 ? reason[..500] : reason)}";
            throw response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType or HttpStatusCode.NotAcceptable
                ? new InputException(message)
                : new RemoteFailureException(message);
        }
    }

    public void Dispose() => _http.Dispose();
}
