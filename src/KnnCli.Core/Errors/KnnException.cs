namespace KnnCli.Core.Errors;

/// <summary>The process exit codes of the design contract.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The remote work failed (a training job or endpoint failed).</summary>
    public const int RemoteFailure = 1;
    /// <summary>Usage or input error.</summary>
    public const int UsageOrInput = 2;
    /// <summary>AWS credentials, permission or configuration error.</summary>
    public const int AwsConfiguration = 3;
    /// <summary>A named resource was not found.</summary>
    public const int NotFound = 4;
    /// <summary>An unexpected failure inside knn (a bug): one line, the stack trace only with --verbose (sysexits' EX_SOFTWARE).</summary>
    public const int InternalError = 70;
    public const int Cancelled = 130;
}

/// <summary>An expected failure: printed as one line (no stack trace) and mapped to an exit code.</summary>
public class KnnException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>Bad input or usage (exit 2). For data errors the message names the file, line and field.</summary>
public sealed class InputException(string message, Exception? inner = null) : KnnException(ExitCodes.UsageOrInput, message, inner);

/// <summary>A named resource (job, endpoint, model, object) does not exist (exit 4).</summary>
public sealed class NotFoundException(string message, Exception? inner = null) : KnnException(ExitCodes.NotFound, message, inner);

/// <summary>Training job or endpoint failed (exit 1); the message carries the service's reason.</summary>
public sealed class RemoteFailureException(string message, Exception? inner = null) : KnnException(ExitCodes.RemoteFailure, message, inner);

/// <summary>Credentials, permission or configuration problem (exit 3).</summary>
public class AwsConfigurationException(string message, Exception? inner = null) : KnnException(ExitCodes.AwsConfiguration, message, inner);

/// <summary>
/// The service could not be reached at all (host not found, connection refused, no route, no answer in time): a
/// wrong region or endpoint URL or no network, so exit 3 like other AWS configuration problems.
/// </summary>
public sealed class ServiceUnreachableException(string message, Exception? inner = null) : AwsConfigurationException(message, inner);

/// <summary>Shortens values quoted in error messages, so a 5 MB bad cell does not make a 5 MB message.</summary>
public static class ErrorText
{
    /// <summary>The longest excerpt of a value an error message quotes.</summary>
    public const int MaxExcerpt = 40;

    /// <summary>The value itself when short, else its first characters and how long it was; control characters shown escaped.</summary>
    public static string Excerpt(string value)
    {
        var shown = value.Length <= MaxExcerpt ? value : value[..MaxExcerpt];
        var text = new System.Text.StringBuilder(shown.Length + 24);
        foreach (var c in shown)
        {
            if (char.IsControl(c)) text.Append(c switch { '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", _ => $"\\u{(int)c:x4}" });
            else text.Append(c);
        }
        if (value.Length > MaxExcerpt) text.Append($"… ({value.Length:N0} characters)");
        return text.ToString();
    }
}
