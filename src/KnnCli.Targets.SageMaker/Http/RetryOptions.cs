using System.Globalization;

namespace KnnCli.Targets.SageMaker.Http;

/// <summary>The AWS SDKs' retry modes (AWS_RETRY_MODE / retry_mode).</summary>
public enum RetryMode { Legacy, Standard, Adaptive }

/// <summary>
/// Retries as botocore does them (retries/standard.py): full-jitter exponential backoff capped at 20 s; in standard and
/// adaptive mode a 500-token quota per client, 5 tokens a retry (10 after a timeout), refunded only when an answer succeeds.
/// </summary>
public sealed record RetryOptions
{
    public RetryMode Mode { get; init; } = RetryMode.Standard;

    /// <summary>Attempts per request, the first included; null is the mode's default (legacy 5, standard and adaptive 3).</summary>
    public int? MaxAttempts { get; init; }

    public int Attempts => MaxAttempts ?? (Mode == RetryMode.Legacy ? 5 : 3);

    /// <summary>The backoff before retry n is random(0,1) × min(BaseDelay × 2^(n-1), MaxBackoff).</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(20);

    public int QuotaCapacity { get; init; } = 500;

    public int RetryCost { get; init; } = 5;

    /// <summary>A retry after an attempt that timed out costs more (botocore's _TIMEOUT_RETRY_REQUEST).</summary>
    public int TimeoutRetryCost { get; init; } = 10;

    /// <summary>What a first attempt that succeeds gives back (botocore's _NO_RETRY_INCREMENT).</summary>
    public int NoRetryIncrement { get; init; } = 1;

    /// <summary>How many times InvokeEndpoint is tried while the model answers ModelNotReadyException (the SDKs never retry it).</summary>
    public int ModelNotReadyAttempts { get; init; } = 5;

    /// <summary>Legacy mode has no retry quota.</summary>
    public bool UsesQuota => Mode != RetryMode.Legacy;

    public TimeSpan Backoff(int attempt) =>
        TimeSpan.FromTicks((long)(Random.Shared.NextDouble() *
            Math.Min(BaseDelay.Ticks * Math.Pow(2, attempt - 1), MaxBackoff.Ticks)));

    /// <summary>
    /// Applies AWS_RETRY_MODE and AWS_MAX_ATTEMPTS, each falling back to the profile's retry_mode / max_attempts; a value
    /// that is not a mode or a positive integer is a configuration error, as in the AWS CLI.
    /// </summary>
    public RetryOptions Configure(string? mode, string? maxAttempts, RetryMode? profileMode, int? profileMaxAttempts)
    {
        var resolvedMode = mode?.Trim().ToLowerInvariant() switch
        {
            null or "" => profileMode ?? Mode,
            "legacy" => RetryMode.Legacy,
            "standard" => RetryMode.Standard,
            "adaptive" => RetryMode.Adaptive,
            _ => throw new KnnCli.Core.Errors.AwsConfigurationException($"AWS_RETRY_MODE '{mode}' is not a retry mode: expected legacy, standard or adaptive."),
        };
        int? attempts = profileMaxAttempts ?? MaxAttempts;
        if (!string.IsNullOrWhiteSpace(maxAttempts))
        {
            attempts = int.TryParse(maxAttempts.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1
                ? n
                : throw new KnnCli.Core.Errors.AwsConfigurationException($"AWS_MAX_ATTEMPTS '{maxAttempts}' is not a positive whole number.");
        }
        return this with { Mode = resolvedMode, MaxAttempts = attempts };
    }
}
