using System.Threading.Channels;
using KnnCli.Core.Targets;
using KnnCli.Engine;

namespace KnnCli.Serving;

/// <summary>
/// An asynchronous endpoint's settings (AsyncInferenceConfig): requests are read from <see cref="Store"/>, each result
/// is written under <see cref="OutputPath"/> as &lt;InferenceId&gt;.out, each failure under <see cref="FailurePath"/>
/// as &lt;InferenceId&gt;-error.out, at most <see cref="MaxConcurrentInvocations"/> at a time.
/// </summary>
public sealed record AsyncInferenceOptions(IObjectStore Store, StoreUri OutputPath, StoreUri FailurePath, int MaxConcurrentInvocations);

/// <summary>One request accepted by InvokeEndpointAsync and waiting for a worker.</summary>
internal sealed record QueuedRequest(KnnModel Model, string InferenceId, StoreUri Input, string? ContentType, string? Accept, StoreUri Output, StoreUri Failure);

/// <summary>
/// The bounded in-memory queue behind InvokeEndpointAsync: <see cref="Capacity"/> waiting requests at most (a full
/// queue is refused, not waited on), worked on by MaxConcurrentInvocations workers. On stop the requests in
/// progress finish; waiting ones are dropped (the local queue does not survive its process).
/// </summary>
internal sealed class AsyncInvocationQueue : IAsyncDisposable
{
    public const int Capacity = 1000;

    private readonly Channel<QueuedRequest> _channel = Channel.CreateBounded<QueuedRequest>(new BoundedChannelOptions(Capacity) { SingleWriter = false });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _workers;

    public AsyncInvocationQueue(int workers, Func<QueuedRequest, Task> process, TextWriter errorLog)
    {
        _workers = Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkAsync(process, errorLog))).ToArray();
    }

    public bool TryEnqueue(QueuedRequest request) => _channel.Writer.TryWrite(request);

    private async Task WorkAsync(Func<QueuedRequest, Task> process, TextWriter errorLog)
    {
        try
        {
            while (await _channel.Reader.WaitToReadAsync(_stopping.Token))
            {
                while (!_stopping.IsCancellationRequested && _channel.Reader.TryRead(out var request))
                {
                    try
                    {
                        await process(request);
                    }
                    catch (Exception e)
                    {
                        // process writes the failure object itself; this is a store that could not take it.
                        await errorLog.WriteLineAsync($"async inference {request.InferenceId}: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested) { }
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _stopping.CancelAsync();
        await Task.WhenAll(_workers);
        _stopping.Dispose();
    }
}
