using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace KnnCli.Targets.SageMaker.Tests.Fixtures;

/// <summary>
/// Decides which requests fail and how (a throttle, a 500, a reset connection, a canned state), counting every attempt per
/// operation across all the target's clients. <see cref="Transport"/> gives SageMakerTargetOptions.Transport.
/// </summary>
public sealed class FaultInjector(Func<HttpRequestMessage, int, HttpResponseMessage?> fault)
{
    private readonly ConcurrentDictionary<string, int> _attempts = new();

    /// <summary>How many times an operation (X-Amz-Target or path) was attempted.</summary>
    public int Attempts(string operation) => _attempts.GetValueOrDefault(operation);

    public HttpMessageHandler Transport() => new FaultHandler(this, new SocketsHttpHandler { AllowAutoRedirect = false });

    /// <summary>The canned answer for this attempt, or null to let the request through.</summary>
    public HttpResponseMessage? Answer(HttpRequestMessage request) =>
        fault(request, _attempts.AddOrUpdate(FaultHandler.Operation(request), 1, (_, n) => n + 1));
}

/// <summary>Sits under the signer and lets the injector answer a request before it reaches the real server.</summary>
public sealed class FaultHandler(FaultInjector injector, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private const string DelayHeader = "X-Test-Fault-Delay-Ms";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var answer = injector.Answer(request);
        if (answer is null) return await base.SendAsync(request, cancellationToken);
        if (!answer.Headers.TryGetValues(DelayHeader, out var delay)) return answer;
        // A slow answer: the real server's, after the delay (or nothing, when the caller gives up first).
        answer.Dispose();
        await Task.Delay(int.Parse(delay.Single(), System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }

    /// <summary>The real answer, but only after <paramref name="delay"/>.</summary>
    public static HttpResponseMessage Slow(TimeSpan delay) =>
        new(HttpStatusCode.OK) { Headers = { { DelayHeader, ((int)delay.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) } } };

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
