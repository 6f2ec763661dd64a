namespace KnnCli.Targets.SageMaker.Http;

/// <summary>The AWS SDKs' standard retry mode: 3 attempts, full-jitter exponential backoff capped at 20 s, a 500-token quota.</summary>
public sealed record RetryOptions
{
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The backoff before retry n is random(0,1) × min(BaseDelay × 2^(n-1), MaxBackoff).</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(20);

    public int QuotaCapacity { get; init; } = 500;

    public int RetryCost { get; init; } = 5;

    /// <summary>How many times InvokeEndpoint is tried while the model answers ModelNotReadyException (the SDKs never retry it).</summary>
    public int ModelNotReadyAttempts { get; init; } = 5;

    public TimeSpan Backoff(int attempt) =>
        TimeSpan.FromTicks((long)(Random.Shared.NextDouble() *
            Math.Min(BaseDelay.Ticks * Math.Pow(2, attempt - 1), MaxBackoff.Ticks)));
}
