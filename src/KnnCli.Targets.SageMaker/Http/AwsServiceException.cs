using KnnCli.Core.Errors;
using KnnCli.Targets.SageMaker.Aws;

namespace KnnCli.Targets.SageMaker.Http;

/// <summary>An error answer from an AWS service, shown as the service's code and message and mapped to the design's exit codes.</summary>
public sealed class AwsServiceException(AwsService service, string operation, int statusCode, string errorCode, string serviceMessage, string? requestId)
    : KnnException(ExitCodeFor(operation, errorCode), $"{service.DisplayName} {operation}: {errorCode}: {serviceMessage}")
{
    private static readonly HashSet<string> NotFoundCodes = new(StringComparer.Ordinal)
    {
        "ResourceNotFound", "ResourceNotFoundException", "NoSuchEntity", "NoSuchKey", "NoSuchBucket",
    };

    private static readonly HashSet<string> CredentialCodes = new(StringComparer.Ordinal)
    {
        "AccessDenied", "AccessDeniedException", "UnrecognizedClientException", "InvalidClientTokenId", "ExpiredToken",
        "ExpiredTokenException", "InvalidSignatureException", "SignatureDoesNotMatch", "MissingAuthenticationToken",
        "MissingAuthenticationTokenException", "IncompleteSignature", "IncompleteSignatureException", "NotAuthorized",
        "InvalidAccessKeyId", "AuthFailure", "RequestExpired",
    };

    private static readonly HashSet<string> InputCodes = new(StringComparer.Ordinal)
    {
        "ValidationException", "ValidationError", "ResourceInUse", "InvalidParameterException", "SerializationException",
        "InvalidParameterValue", "InvalidParameterCombination",
    };

    public int StatusCode { get; } = statusCode;

    /// <summary>The service's error code (ValidationException, ThrottlingException, ModelError …).</summary>
    public string ErrorCode { get; } = errorCode;

    public string ServiceMessage { get; } = serviceMessage;

    public string? RequestId { get; } = requestId;

    /// <summary>True for a named resource that does not exist (also SageMaker's ValidationException "Could not find …").</summary>
    public bool IsNotFound => ExitCode == ExitCodes.NotFound;

    /// <summary>
    /// By the error code and the operation, never the message text. SageMaker answers a name that does not exist
    /// with ValidationException ("Could not find endpoint …"); on an operation that addresses one existing resource
    /// (Describe*, Delete*, Stop*, Update*, ListTags) that is the only validation left to fail, since knn checks
    /// names and ARNs against the API's rules before any call.
    /// </summary>
    internal static int ExitCodeFor(string operation, string errorCode)
    {
        if (NotFoundCodes.Contains(errorCode)) return ExitCodes.NotFound;
        if (errorCode is "ValidationException" or "ValidationError" && AddressesExistingResource(operation))
            return ExitCodes.NotFound;
        if (CredentialCodes.Contains(errorCode)) return ExitCodes.AwsConfiguration;
        if (InputCodes.Contains(errorCode)) return ExitCodes.UsageOrInput;
        return ExitCodes.RemoteFailure;
    }

    private static bool AddressesExistingResource(string operation) =>
        operation.StartsWith("Describe", StringComparison.Ordinal) || operation.StartsWith("Delete", StringComparison.Ordinal)
        || operation.StartsWith("Stop", StringComparison.Ordinal) || operation.StartsWith("Update", StringComparison.Ordinal)
        || operation == "ListTags";
}
