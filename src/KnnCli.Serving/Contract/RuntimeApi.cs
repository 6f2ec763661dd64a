using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace KnnCli.Serving.Contract;

/// <summary>
/// The SageMaker Runtime API's side of the server (InvokeEndpoint as POST /endpoints/{EndpointName}/invocations),
/// so AWS SDKs reach a local model by pointing their sagemaker-runtime endpoint URL at it. Its headers and its
/// rest-json errors (X-Amzn-ErrorType and a JSON body with Message) are the service's; the SigV4 signature,
/// when there is one, is not checked.
/// </summary>
internal static partial class RuntimeApi
{
    public const string VariantName = "AllTraffic";

    /// <summary>The account id local endpoints belong to, in messages that name one.</summary>
    public const string LocalAccount = "000000000000";

    public const string CustomAttributesHeader = "X-Amzn-SageMaker-Custom-Attributes";
    public const string InvokedVariantHeader = "X-Amzn-Invoked-Production-Variant";
    private const string TargetVariantHeader = "X-Amzn-SageMaker-Target-Variant";
    private const string ErrorTypeHeader = "X-Amzn-ErrorType";
    private const string RequestIdHeader = "x-amzn-RequestId";
    private const int MaxCustomAttributes = 1024;

    // InvokeEndpointAsync's request and response headers (the sagemaker-runtime model).
    public const string InputLocationHeader = "X-Amzn-SageMaker-InputLocation";
    public const string InferenceIdHeader = "X-Amzn-SageMaker-Inference-Id";
    public const string AsyncContentTypeHeader = "X-Amzn-SageMaker-Content-Type";
    public const string AsyncAcceptHeader = "X-Amzn-SageMaker-Accept";
    private const string OutputLocationHeader = "X-Amzn-SageMaker-OutputLocation";
    private const string FailureLocationHeader = "X-Amzn-SageMaker-FailureLocation";

    /// <summary>The Runtime model's EndpointName: ^[a-zA-Z0-9](-*[a-zA-Z0-9])*, at most 63 characters.</summary>
    [GeneratedRegex("^[a-zA-Z0-9](-*[a-zA-Z0-9])*$")]
    private static partial Regex EndpointNamePattern();

    [GeneratedRegex(@"^\p{IsBasicLatin}*$")]
    private static partial Regex AsciiPattern();

    public static bool IsValidEndpointName(string name) => name.Length <= 63 && EndpointNamePattern().IsMatch(name);

    /// <summary>Matches /endpoints/{name}/{action}; the name as the client sent it (percent-decoded).</summary>
    public static bool TryMatch(string path, out string endpointName, out string action)
    {
        endpointName = action = "";
        const string Prefix = "/endpoints/";
        if (!path.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var rest = path.AsSpan(Prefix.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0) return false;
        endpointName = Uri.UnescapeDataString(rest[..slash].ToString());
        action = rest[(slash + 1)..].ToString();
        return true;
    }

    /// <summary>The request's header checks, as the service makes them before it calls the model; null when they pass.</summary>
    public static RuntimeError? Validate(HttpRequest request, string endpointName)
    {
        if (!IsValidEndpointName(endpointName))
            return Invalid($"1 validation error detected: Value '{MediaTypes.Printable(endpointName)}' at 'endpointName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9])*");
        var attributes = request.Headers[CustomAttributesHeader].ToString();
        if (attributes.Length > MaxCustomAttributes || !AsciiPattern().IsMatch(attributes))
            return Invalid($"1 validation error detected: Value at 'customAttributes' failed to satisfy constraint: Member must have length less than or equal to {MaxCustomAttributes} and contain only visible ASCII characters");
        var variant = request.Headers[TargetVariantHeader].ToString();
        if (variant.Length > 0 && variant != VariantName)
            return Invalid($"Target variant {MediaTypes.Printable(variant)} not found for endpoint {endpointName}: the local endpoint has one variant, {VariantName}.");
        return null;
    }

    public static RuntimeError EndpointNotFound(string endpointName) => Invalid($"Endpoint {endpointName} of account {LocalAccount} not found.");

    public static RuntimeError NotAsync(string endpointName) =>
        Invalid($"Endpoint {endpointName} of account {LocalAccount} is not an asynchronous endpoint: call InvokeEndpoint (POST /endpoints/{endpointName}/invocations).");

    public static RuntimeError OnlyAsync(string endpointName) =>
        Invalid($"Endpoint {endpointName} of account {LocalAccount} is an asynchronous endpoint: call InvokeEndpointAsync (POST /endpoints/{endpointName}/async-invocations).");

    public static RuntimeError QueueFull(string endpointName, int capacity) =>
        new(StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable", $"Endpoint {endpointName} has {capacity} requests waiting; retry later.");

    /// <summary>InvokeEndpointAsync's checks: InputLocation is required and an s3:// URI; InferenceId is 1 to 64 characters.</summary>
    public static RuntimeError? ValidateAsync(string inputLocation, string inferenceId)
    {
        if (inputLocation.Length == 0)
            return Invalid("1 validation error detected: Value null at 'inputLocation' failed to satisfy constraint: Member must not be null");
        if (!Core.Targets.StoreUri.IsStoreUri(inputLocation) || inputLocation.Length > 1024 || inputLocation.IndexOf('/', "s3://".Length) <= "s3://".Length)
            return Invalid($"1 validation error detected: Value '{MediaTypes.Printable(inputLocation)}' at 'inputLocation' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(https|s3)://([^/]+)/?(.*)$");
        if (inferenceId.Length > 64 || !AsciiPattern().IsMatch(inferenceId))
            return Invalid("1 validation error detected: Value at 'inferenceId' failed to satisfy constraint: Member must have length less than or equal to 64");
        return null;
    }

    /// <summary>InvokeEndpointAsync's 202: InferenceId in the body (with the locations, for readers of the body), the locations in headers.</summary>
    public static async Task WriteQueuedAsync(HttpContext context, string inferenceId, string output, string failure)
    {
        WriteSuccessHeaders(context);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status202Accepted;
        response.Headers[OutputLocationHeader] = output;
        response.Headers[FailureLocationHeader] = failure;
        response.ContentType = "application/json";
        var body = new MemoryStream();
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("InferenceId", inferenceId);
            json.WriteString("OutputLocation", output);
            json.WriteString("FailureLocation", failure);
            json.WriteEndObject();
        }
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length));
    }

    /// <summary>
    /// What the service answers when the model answered an error: ModelError (424) carrying the model's status
    /// and message. A body over the payload limit is refused by the service itself (ValidationError).
    /// </summary>
    public static RuntimeError FromModel(int statusCode, string message, string endpointName) =>
        statusCode == StatusCodes.Status413PayloadTooLarge
            ? new RuntimeError(StatusCodes.Status413PayloadTooLarge, "ValidationError", message)
            : new RuntimeError(StatusCodes.Status424FailedDependency, "ModelError",
                $"Received {(statusCode < 500 ? "client" : "server")} error ({statusCode}) from primary with message \"{message}\". See the endpoint's log (knn status) for more information.",
                statusCode, message, $"arn:aws:logs:local:{LocalAccount}:log-group:/aws/sagemaker/Endpoints/{endpointName}");

    /// <summary>Headers every Runtime answer carries: the request id, and on success the variant and the custom attributes passed through.</summary>
    public static void WriteSuccessHeaders(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers[RequestIdHeader] = Guid.NewGuid().ToString();
        headers[InvokedVariantHeader] = VariantName;
        var attributes = context.Request.Headers[CustomAttributesHeader];
        if (attributes.Count > 0) headers[CustomAttributesHeader] = attributes;
    }

    public static async Task WriteAsync(HttpResponse response, RuntimeError error)
    {
        if (response.HasStarted) return;
        response.StatusCode = error.StatusCode;
        response.ContentType = "application/json";
        response.Headers[ErrorTypeHeader] = error.Code;
        response.Headers[RequestIdHeader] = Guid.NewGuid().ToString();
        var body = new MemoryStream();
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("ErrorCode", error.Code);
            json.WriteString("Message", error.Message);
            if (error.OriginalStatusCode is { } original)
            {
                json.WriteNumber("OriginalStatusCode", original);
                json.WriteString("OriginalMessage", error.OriginalMessage);
                json.WriteString("LogStreamArn", error.LogStreamArn);
            }
            json.WriteEndObject();
        }
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length));
    }

    private static RuntimeError Invalid(string message) => new(StatusCodes.Status400BadRequest, "ValidationError", message);
}

/// <summary>A Runtime API error: its HTTP status, error code (X-Amzn-ErrorType) and the members of its JSON body.</summary>
internal sealed record RuntimeError(int StatusCode, string Code, string Message, int? OriginalStatusCode = null, string? OriginalMessage = null, string? LogStreamArn = null);
