using System.Net;
using System.Net.Http.Headers;
using KnnCli.Core.Errors;
using KnnCli.Core.Targets;

namespace KnnCli.Targets.Local;

/// <summary>InvokeEndpoint for local endpoints: POST /invocations to the endpoint's server on loopback.</summary>
public sealed class LocalRuntime(LocalHosting hosting) : IEndpointRuntime, IDisposable
{
    private const string Redeploy = "Run `knn cleanup` and `knn deploy` to start it again.";

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(70) };

    public async Task<InvocationResult> InvokeAsync(string endpointName, ReadOnlyMemory<byte> body, string contentType, string accept, CancellationToken cancellationToken)
    {
        var endpoint = await hosting.DescribeEndpointAsync(endpointName, cancellationToken)
            ?? throw new NotFoundException($"Endpoint {endpointName} not found (local target). Run `knn deploy` first.");
        if (endpoint.Status != "InService" || endpoint.Url is null)
            throw new RemoteFailureException($"Endpoint {endpointName} is {endpoint.Status}: {endpoint.FailureReason} {Redeploy}");

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(endpoint.Url), "/invocations"))
        {
            Content = new ReadOnlyMemoryContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
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
            throw new RemoteFailureException($"Endpoint {endpointName} at {endpoint.Url} does not answer ({e.Message}). {Redeploy}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RemoteFailureException($"Endpoint {endpointName} at {endpoint.Url} gave no answer within {_http.Timeout.TotalSeconds:0} s. {Redeploy}", e);
        }
        using var _ = response;
        if (!response.IsSuccessStatusCode)
        {
            var reason = System.Text.Encoding.UTF8.GetString(answer).Trim();
            var message = $"Endpoint {endpointName} answered {(int)response.StatusCode}: {(reason.Length > 500 ? reason[..500] : reason)}";
            throw response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType or HttpStatusCode.NotAcceptable
                ? new InputException(message)
                : new RemoteFailureException(message);
        }
        return new InvocationResult(answer, response.Content.Headers.ContentType?.ToString() ?? accept);
    }

    public void Dispose() => _http.Dispose();
}
