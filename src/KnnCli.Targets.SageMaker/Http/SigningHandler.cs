using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using KnnCli.Targets.SageMaker.Aws;

namespace KnnCli.Targets.SageMaker.Http;

/// <summary>
/// Signs each attempt with AWSSDK.Core's public SigV4 signer, replacing the previous attempt's signature.
/// Credentials are resolved per request, so rotating sources (SSO, assume-role, IMDS) keep working.
/// </summary>
internal sealed class SigningHandler(Func<AWSCredentials> credentials, RegionEndpoint region, AwsService service, HttpMessageHandler inner)
    : DelegatingHandler(inner)
{
    /// <summary>Headers the SDKs never sign (they may change in transit).</summary>
    private static readonly HashSet<string> UnsignedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "User-Agent", "Expect", "Transfer-Encoding", "X-Amzn-Trace-Id", "Authorization", "X-Amz-Date", "X-Amz-Content-SHA256",
        "X-Amz-Security-Token", "Connection", "Content-Length",
    };

    /// <summary>A fixed signing time, for signature tests only.</summary>
    internal DateTime? SignedAt { get; init; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        foreach (var name in new[] { "Authorization", "X-Amz-Date", "X-Amz-Content-SHA256", "X-Amz-Security-Token" })
            request.Headers.Remove(name);

        var signing = new AWSSigningRequest
        {
            HttpMethod = request.Method,
            RequestUri = request.RequestUri!,
            Content = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false),
        };
        foreach (var header in request.Headers.Where(h => !UnsignedHeaders.Contains(h.Key)))
            signing.Headers[header.Key] = string.Join(",", header.Value);
        if (request.Content is not null)
        {
            foreach (var header in request.Content.Headers.Where(h => !UnsignedHeaders.Contains(h.Key)))
                signing.Headers[header.Key] = string.Join(",", header.Value);
        }

        var parameters = new AWSSigV4Parameters { Credentials = credentials(), Region = region, Service = service.SigningName, SignedAt = SignedAt };
        AWSSigningResult result;
        try
        {
            result = await AWSSigV4Signer.SignAsync(signing, parameters, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonClientException e)
        {
            // Refreshing sources (SSO, assume-role, IMDS) resolve here, at the first request.
            throw AwsClientFailures.Translate(e, service, request.Headers.TryGetValues("X-Amz-Target", out var target) ? target.First().Split('.')[^1] : request.RequestUri!.AbsolutePath);
        }
        foreach (var (name, value) in result.Headers)
        {
            // Headers the request already carries (Content-Type, Host …) are sent as they are.
            if (request.Headers.TryGetValues(name, out _) || (request.Content?.Headers.TryGetValues(name, out _) ?? false)) continue;
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
