using Amazon.Runtime;
using KnnCli.Core.Errors;

namespace KnnCli.Targets.SageMaker.Aws;

/// <summary>
/// AWSSDK client-side failures (no answer from the service) as one-line KnnExceptions: credential resolution problems
/// (an SSO profile without a cached token, an assume-role source that fails …) are exit 3, anything else exit 1.
/// </summary>
internal static class AwsClientFailures
{
    public static KnnException Translate(AmazonClientException e, AwsService service, string operation)
    {
        var message = e.Message.ReplaceLineEndings(" ").Trim();
        return message.Contains("credential", StringComparison.OrdinalIgnoreCase)
            || message.Contains("SSO", StringComparison.Ordinal)
            || message.Contains("profile", StringComparison.OrdinalIgnoreCase)
            ? new AwsConfigurationException($"{service.DisplayName} {operation}: could not get AWS credentials: {message}", e)
            : new RemoteFailureException($"{service.DisplayName} {operation}: {message}", e);
    }
}
