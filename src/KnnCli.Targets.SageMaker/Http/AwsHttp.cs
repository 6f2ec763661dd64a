using KnnCli.Targets.SageMaker.Aws;

namespace KnnCli.Targets.SageMaker.Http;

/// <summary>Builds the HttpClient for one service: retries outside, the SigV4 signer inside, then the transport.</summary>
internal static class AwsHttp
{
    public static HttpClient CreateClient(AwsContext aws, AwsService service, RetryOptions retry, TimeSpan timeout, Func<HttpMessageHandler> transport)
    {
        var signer = new SigningHandler(() => aws.Credentials, aws.Region, service, transport());
        return new HttpClient(new RetryHandler(retry, signer)) { Timeout = timeout };
    }

    /// <summary>The production transport: no redirects (a redirected request would carry a stale signature).</summary>
    public static HttpMessageHandler DefaultTransport() =>
        new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
}
