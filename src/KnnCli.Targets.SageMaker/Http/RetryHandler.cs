using System.Net;

namespace KnnCli.Targets.SageMaker.Http;

/// <summary>
/// Standard-mode retries for one endpoint: throttling codes, 500/502/503/504, RequestTimeout codes and connection errors are
/// retried with full-jitter backoff while attempts and the retry quota last. It sits outside the signer so each attempt is re-signed.
/// </summary>
internal sealed class RetryHandler(RetryOptions options, HttpMessageHandler inner) : DelegatingHandler(inner)
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

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage? response = null;
            Exception? connectionError = null;
            try
            {
                response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsConnectionError(e) && !cancellationToken.IsCancellationRequested)
            {
                connectionError = e;
            }

            var retryable = connectionError is not null || await IsRetryableAsync(response!, cancellationToken).ConfigureAwait(false);
            if (!retryable)
            {
                Refund(attempt == 1 ? 1 : options.RetryCost);
                return response!;
            }

            if (attempt >= options.MaxAttempts || !TryTakeQuota())
            {
                if (connectionError is not null) throw new HttpRequestException($"{connectionError.Message} (after {attempt} attempts)", connectionError);
                return response!;
            }

            response?.Dispose();
            await Task.Delay(options.Backoff(attempt), cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsConnectionError(Exception e) => e is HttpRequestException or IOException;

    private static async Task<bool> IsRetryableAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return false;
        if (response.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout)
            return true;
        // The body is buffered so the caller can still read it.
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var code = AwsError.Parse((int)response.StatusCode, response.Headers, body).Code;
        return ThrottlingCodes.Contains(code) || TransientCodes.Contains(code);
    }

    private bool TryTakeQuota()
    {
        lock (_quotaLock)
        {
            if (_quota < options.RetryCost) return false;
            _quota -= options.RetryCost;
            return true;
        }
    }

    private void Refund(int tokens)
    {
        lock (_quotaLock) _quota = Math.Min(options.QuotaCapacity, _quota + tokens);
    }
}
