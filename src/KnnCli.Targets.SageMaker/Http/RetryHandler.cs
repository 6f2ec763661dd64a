using System.Net;

namespace KnnCli.Targets.SageMaker.Http;

/// <summary>
/// Retries for one client as botocore does them. Retried: throttling codes, 500/502/503/504 (legacy also 429 and 509),
/// RequestTimeout codes, connection errors and attempts that got no answer within the attempt timeout. Each attempt has its
/// own timeout; the quota (standard and adaptive mode) is taken per retry and given back only when an answer succeeds.
/// It sits outside the signer so each attempt is signed afresh.
/// </summary>
internal sealed class RetryHandler(RetryOptions options, TimeSpan attemptTimeout, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    };

    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal) { "RequestTimeout", "RequestTimeoutException" };

    private readonly Lock _quotaLock = new();
    private int _quota = options.QuotaCapacity;

    /// <summary>The tokens left in the retry quota (for tests and diagnostics).</summary>
    internal int QuotaLeft
    {
        get { lock (_quotaLock) return _quota; }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // The tokens the last retry took: a success after retries gives them back (botocore's retry_quota_capacity).
        int? lastRetryCost = null;
        for (var attempt = 1; ; attempt++)
        {
            var (response, failure) = await AttemptAsync(request, cancellationToken).ConfigureAwait(false);
            if (response is { IsSuccessStatusCode: true })
            {
                Refund(lastRetryCost ?? options.NoRetryIncrement);
                return response;
            }

            var retryable = failure is not null || await IsRetryableAsync(response!, cancellationToken).ConfigureAwait(false);
            var cost = failure is TimeoutException ? options.TimeoutRetryCost : options.RetryCost;
            if (!retryable || attempt >= options.Attempts || !TryTakeQuota(cost))
            {
                if (failure is not null) throw Exhausted(failure, attempt);
                return response!;
            }

            lastRetryCost = options.UsesQuota ? cost : null;
            response?.Dispose();
            await Task.Delay(options.Backoff(attempt), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One attempt under its own timeout: the answer read in full, or the connection error or timeout that ended it.</summary>
    private async Task<(HttpResponseMessage? Response, Exception? Failure)> AttemptAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(attemptTimeout);
        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(request, attempt.Token).ConfigureAwait(false);
            await response.Content.LoadIntoBufferAsync(attempt.Token).ConfigureAwait(false);
            return (response, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            response?.Dispose();
            return (null, new TimeoutException($"no answer within {attemptTimeout.TotalSeconds:0.###} s"));
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            response?.Dispose();
            return (null, e);
        }
    }

    private static Exception Exhausted(Exception failure, int attempts) => failure switch
    {
        TimeoutException => new TimeoutException($"{failure.Message} (after {attempts} attempts)", failure),
        _ => new HttpRequestException($"{failure.Message} (after {attempts} attempts)", failure),
    };

    private async Task<bool> IsRetryableAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout)
            return true;
        if (options.Mode == RetryMode.Legacy && (int)response.StatusCode is 429 or 509) return true;
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var code = AwsError.Parse((int)response.StatusCode, response.Headers, body).Code;
        return ThrottlingCodes.Contains(code) || TransientCodes.Contains(code);
    }

    private bool TryTakeQuota(int cost)
    {
        if (!options.UsesQuota) return true;
        lock (_quotaLock)
        {
            if (_quota < cost) return false;
            _quota -= cost;
            return true;
        }
    }

    private void Refund(int tokens)
    {
        if (!options.UsesQuota) return;
        lock (_quotaLock) _quota = Math.Min(options.QuotaCapacity, _quota + tokens);
    }
}
