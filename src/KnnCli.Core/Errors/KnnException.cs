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
public sealed class AwsConfigurationException(string message, Exception? inner = null) : KnnException(ExitCodes.AwsConfiguration, message, inner);
