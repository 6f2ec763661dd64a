using System.Net.Http.Headers;
using System.Text.Json;
using KnnCli.Core.Errors;
using KnnCli.Targets.SageMaker.Aws;

namespace KnnCli.Targets.SageMaker.Http;

/// <summary>An AWS error answer's code and message, read as botocore reads JSON 1.1 and rest-json errors.</summary>
internal readonly record struct AwsError(string Code, string Message, string? OriginalMessage, int? OriginalStatusCode)
{
    /// <summary>Code: header X-Amzn-ErrorType, else body __type / code / Code (text after '#', before ':'); else the HTTP status.</summary>
    public static AwsError Parse(int statusCode, HttpResponseHeaders headers, string body)
    {
        string? code = headers.TryGetValues("X-Amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;
        string? message = null, originalMessage = null;
        int? originalStatus = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                var root = document.RootElement;
                code ??= String(root, "__type") ?? String(root, "code") ?? String(root, "Code");
                message = String(root, "message") ?? String(root, "Message") ?? String(root, "errorMessage");
                originalMessage = String(root, "OriginalMessage");
                if (root.TryGetProperty("OriginalStatusCode", out var s) && s.ValueKind == JsonValueKind.Number) originalStatus = s.GetInt32();
            }
        }
        catch (JsonException)
        {
            // The query protocol (IAM) answers <ErrorResponse><Error><Code>…</Code><Message>…</Message></Error></ErrorResponse>.
            var xml = XmlError(body);
            code ??= xml.Code;
            message = xml.Message ?? (body.Length > 0 ? body.Trim() : null);
        }

        return new AwsError(
            code is null ? statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : CleanCode(code),
            message ?? $"HTTP {statusCode} with no message.",
            originalMessage,
            originalStatus);
    }

    public AwsServiceException ToException(AwsService service, string operation, int statusCode, string? requestId)
    {
        var message = OriginalMessage is { Length: > 0 } original && !Message.Contains(original, StringComparison.Ordinal)
            ? $"{Message} (the model answered {OriginalStatusCode}: {original})"
            : Message;
        return new AwsServiceException(service, operation, statusCode, Code, message, requestId);
    }

    private static (string? Code, string? Message) XmlError(string body)
    {
        try
        {
            var error = System.Xml.Linq.XDocument.Parse(body).Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
            string? Child(string name) => error?.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
            return (Child("Code"), Child("Message"));
        }
        catch (System.Xml.XmlException)
        {
            return (null, null);
        }
    }

    private static string CleanCode(string code)
    {
        var colon = code.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0) code = code[..colon];
        var hash = code.LastIndexOf('#');
        return (hash >= 0 ? code[(hash + 1)..] : code).Trim();
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

internal static class AwsResponses
{
    public static string? RequestId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-amzn-RequestId", out var values) ? values.FirstOrDefault() : null;

    /// <summary>Sends a request; an error answer throws AwsServiceException, an unreachable endpoint a one-line ServiceUnreachableException (exit 3), attempts that all time out a RemoteFailureException.</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, AwsService service, string operation, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw AwsClientFailures.Unreachable(service, operation, request.RequestUri, e.Message, e);
        }
        catch (TimeoutException e)
        {
            // The service was reached but every attempt was too slow: the remote work failed (exit 1).
            throw new RemoteFailureException($"{service.DisplayName} {operation}: {request.RequestUri?.GetLeftPart(UriPartial.Authority)} gave {e.Message}.", e);
        }

        if (response.IsSuccessStatusCode) return response;
        using (response)
            throw await ErrorAsync(response, service, operation, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<AwsServiceException> ErrorAsync(HttpResponseMessage response, AwsService service, string operation, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        return AwsError.Parse(status, response.Headers, body).ToException(service, operation, status, RequestId(response));
    }
}
