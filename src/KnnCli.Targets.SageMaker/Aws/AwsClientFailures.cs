using System.Net.Sockets;
using Amazon.Runtime;
using KnnCli.Core.Errors;

namespace KnnCli.Targets.SageMaker.Aws;

/// <summary>
/// Failures before any answer from a service, as one-line exit-3 errors chosen by the exception's type: a network
/// failure (host not found, connection refused, no route, timeout) is <see cref="ServiceUnreachableException"/>,
/// any other client-side AWSSDK failure (credential resolution: SSO without a cached token, a failing assume-role
/// source …) is <see cref="AwsConfigurationException"/>.
/// </summary>
internal static class AwsClientFailures
{
    /// <summary>What to check when a service cannot be reached.</summary>
    public const string UnreachableAdvice = "check --region, AWS_ENDPOINT_URL and the network";

    public static KnnException Translate(Exception e, AwsService service, string operation)
    {
        var message = e.Message.ReplaceLineEndings(" ").Trim();
        return IsNetworkFailure(e)
            ? new ServiceUnreachableException($"{service.DisplayName} {operation}: could not reach the service ({message}); {UnreachableAdvice}.", e)
            : new AwsConfigurationException($"{service.DisplayName} {operation}: could not get AWS credentials: {message}", e);
    }

    /// <summary>The service could not be reached, not a signing or credential problem.</summary>
    public static ServiceUnreachableException Unreachable(AwsService service, string operation, Uri? url, string reason, Exception e) =>
        new($"{service.DisplayName} {operation}: could not reach {url?.GetLeftPart(UriPartial.Authority)}: {reason}; {UnreachableAdvice}.", e);

    /// <summary>The AWSSDK lets a refused connection out as a bare HttpRequestException after its retries, not wrapped.</summary>
    public static bool IsNetworkFailure(Exception e)
    {
        for (Exception? cause = e; cause is not null; cause = cause.InnerException)
            if (cause is HttpRequestException or SocketException or IOException or TimeoutException or TaskCanceledException) return true;
        return false;
    }
}
