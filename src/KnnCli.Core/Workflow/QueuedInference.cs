using KnnCli.Core.Errors;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Workflow;

/// <summary>
/// One request to an asynchronous endpoint, as the SageMaker Python SDK's AsyncPredictor makes it: the body is
/// stored under <paramref name="inputPrefix"/>, queued with InvokeEndpointAsync, and the result (or failure) object
/// is polled for in the store until it appears.
/// </summary>
public sealed class QueuedInference(ITarget target, StoreUri inputPrefix)
{
    /// <summary>The first look for a result comes this soon; then each wait is longer, up to <see cref="MaxPollDelay"/>.</summary>
    public static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(50);

    public static readonly TimeSpan MaxPollDelay = TimeSpan.FromSeconds(5);

    /// <summary>How long a result is waited for: the service's default InvocationTimeoutSeconds (15 minutes).</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(15);

    public StoreUri InputPrefix => inputPrefix;

    /// <summary>Where an endpoint's request bodies are stored: s3://bucket/prefix/async-endpoint-inputs/&lt;endpoint&gt;.</summary>
    public static StoreUri InputPrefixFor(string bucket, string prefix, string endpointName) =>
        new(bucket, $"{prefix}/async-endpoint-inputs/{endpointName}");

    public async Task<InvocationResult> InvokeAsync(string endpointName, byte[] body, string contentType, string accept, CancellationToken cancellationToken)
    {
        var input = inputPrefix.Append($"{Guid.NewGuid():N}");
        using (var content = new MemoryStream(body, writable: false))
            await target.Store.PutStreamAsync(content, input, contentType, cancellationToken);
        var queued = await target.Runtime.QueueAsync(endpointName, input, contentType, accept, cancellationToken);

        var waited = TimeSpan.Zero;
        var delay = FirstPollDelay;
        while (true)
        {
            if (await target.Store.ExistsAsync(queued.OutputLocation, cancellationToken))
                return new InvocationResult(await ReadAsync(queued.OutputLocation, cancellationToken), accept);
            if (queued.FailureLocation is { } failure && await target.Store.ExistsAsync(failure, cancellationToken))
            {
                var reason = System.Text.Encoding.UTF8.GetString(await ReadAsync(failure, cancellationToken)).ReplaceLineEndings(" ").Trim();
                throw new RemoteFailureException($"Endpoint {endpointName} failed inference {queued.InferenceId} (see {failure}): {(reason.Length > 500 ? reason[..500] + "…" : reason)}");
            }
            if (waited >= MaxWait)
                throw new RemoteFailureException($"Endpoint {endpointName}: no result for inference {queued.InferenceId} after {MaxWait.TotalMinutes:0} minutes; it will appear at {queued.OutputLocation}.");
            await Task.Delay(delay, cancellationToken);
            waited += delay;
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxPollDelay.Ticks));
        }
    }

    private async Task<byte[]> ReadAsync(StoreUri uri, CancellationToken cancellationToken)
    {
        await using var stream = await target.Store.OpenReadAsync(uri, cancellationToken);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
