using KnnCli.Targets.SageMaker.Http;
using KnnCli.Targets.SageMaker.Logs;

namespace KnnCli.Targets.SageMaker;

/// <summary>
/// Follows a training job's CloudWatch streams (/aws/sagemaker/TrainingJobs, "&lt;job&gt;/algo-n-…") as the Python SDK does:
/// streams are looked up until there is one per instance, each is read forward with its nextForwardToken, and each read's
/// events from all streams are merged by timestamp.
/// </summary>
internal sealed class TrainingLogTail(ICloudWatchLogsClient logs, string jobName, int instanceCount)
{
    public const string LogGroup = "/aws/sagemaker/TrainingJobs";

    private readonly List<string> _streams = [];
    private readonly Dictionary<string, string?> _positions = new(StringComparer.Ordinal);

    /// <summary>The events written since the last call, oldest first.</summary>
    public async Task<IReadOnlyList<OutputLogEvent>> ReadNewAsync(CancellationToken cancellationToken)
    {
        if (_streams.Count < instanceCount) await FindStreamsAsync(cancellationToken).ConfigureAwait(false);
        var events = new List<OutputLogEvent>();
        foreach (var stream in _streams)
            events.AddRange(await ReadStreamAsync(stream, cancellationToken).ConfigureAwait(false));
        // A stable sort keeps each stream's own order for equal timestamps.
        return [.. events.OrderBy(e => e.Timestamp)];
    }

    private async Task FindStreamsAsync(CancellationToken cancellationToken)
    {
        try
        {
            var response = await logs.DescribeLogStreamsAsync(new DescribeLogStreamsRequest
            {
                LogGroupName = LogGroup,
                LogStreamNamePrefix = jobName + "/",
                OrderBy = "LogStreamName",
                Limit = Math.Min(instanceCount, 50),
            }, cancellationToken).ConfigureAwait(false);
            foreach (var name in response.LogStreams.Select(s => s.LogStreamName).OfType<string>())
            {
                if (_positions.TryAdd(name, null)) _streams.Add(name);
            }
        }
        catch (AwsServiceException e) when (e.ErrorCode == "ResourceNotFoundException")
        {
            // The group appears only when a container first logs.
        }
    }

    private async Task<List<OutputLogEvent>> ReadStreamAsync(string stream, CancellationToken cancellationToken)
    {
        var events = new List<OutputLogEvent>();
        while (true)
        {
            var sent = _positions[stream];
            var page = await logs.GetLogEventsAsync(new GetLogEventsRequest
            {
                LogGroupName = LogGroup,
                LogStreamName = stream,
                StartFromHead = true,
                NextToken = sent,
            }, cancellationToken).ConfigureAwait(false);
            if (page.NextForwardToken is not null) _positions[stream] = page.NextForwardToken;
            events.AddRange(page.Events);
            // The end of the stream for now: no events, or the same token back.
            if (page.Events.Count == 0 || page.NextForwardToken is null || page.NextForwardToken == sent) return events;
        }
    }
}
