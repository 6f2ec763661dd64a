using KnnCli.Targets.SageMaker.Aws;

namespace KnnCli.Targets.SageMaker.Http;

/// <summary>Builds the HttpClient for one service: retries outside, the SigV4 signer inside, then the transport.</summary>
internal static class AwsHttp
{
    /// <summary>
    /// <paramref name="attemptTimeout"/> bounds each attempt, not the whole call, so an attempt that hangs is retried
    /// (HttpClient's own timeout would end every retry with it).
    /// </summary>
    public static HttpClient CreateClient(
        AwsContext aws, AwsService service, RetryOptions retry, TimeSpan attemptTimeout, Func<HttpMessageHandler> transport, Amazon.RegionEndpoint? signingRegion = null)
    {
        var signer = new SigningHandler(() => aws.Credentials, signingRegion ?? aws.Region, service, transport());
        return new HttpClient(new RetryHandler(retry, attemptTimeout, signer)) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The production transport: no redirects (a redirected request would carry a stale signature).</summary>
    public static HttpMessageHandler DefaultTransport() =>
        new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
}
