using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace KnnCli.Targets.SageMaker.Tests.Fixtures;

/// <summary>
/// Sits under the signer and answers chosen requests itself (a throttle, a 500, a reset connection, a canned state) before
/// they reach the real server; every other request goes through. Records what was attempted.
/// </summary>
public sealed class FaultHandler(Func<HttpRequestMessage, int, HttpResponseMessage?> fault, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly ConcurrentDictionary<string, int> _attempts = new();

    public ConcurrentQueue<HttpRequestMessage> Seen { get; } = new();

    /// <summary>How many times an operation (X-Amz-Target or path) was attempted.</summary>
    public int Attempts(string operation) => _attempts.GetValueOrDefault(operation);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Seen.Enqueue(request);
        var operation = Operation(request);
        var attempt = _attempts.AddOrUpdate(operation, 1, (_, n) => n + 1);
        var answer = fault(request, attempt);
        return answer is null ? base.SendAsync(request, cancellationToken) : Task.FromResult(answer);
    }

    public static string Operation(HttpRequestMessage request) =>
        request.Headers.TryGetValues("X-Amz-Target", out var target) ? target.Single() : request.RequestUri!.AbsolutePath;

    public static HttpResponseMessage Error(HttpStatusCode status, string code, string message, string? extraJson = null) =>
        new(status)
        {
            Content = new StringContent($"{{\"__type\":\"{code}\",\"message\":\"{message}\"{extraJson}}}", Encoding.UTF8, "application/x-amz-json-1.1"),
        };

    public static HttpResponseMessage Json(string json) =>
        new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/x-amz-json-1.1") };

    /// <summary>What a reset connection looks like to HttpClient.</summary>
    public static HttpResponseMessage ConnectionReset() =>
        throw new HttpRequestException("An error occurred while sending the request.", new IOException("Connection reset by peer"));
}
