using System.Text.Json.Serialization;
using KnnCli.Targets.SageMaker.Http;

namespace KnnCli.Targets.SageMaker.Logs;

// CloudWatch Logs (2014-03-28) shapes; members are camelCase on the wire and timestamps are epoch milliseconds.

public sealed class DescribeLogStreamsRequest
{
    public required string LogGroupName { get; init; }
    public string? LogStreamNamePrefix { get; init; }
    public string? OrderBy { get; init; }
    public bool? Descending { get; init; }
    public string? NextToken { get; init; }
    public int? Limit { get; init; }
}

public sealed class LogStream
{
    public string? LogStreamName { get; init; }
    public long? CreationTime { get; init; }
    public long? FirstEventTimestamp { get; init; }
    public long? LastEventTimestamp { get; init; }
}

public sealed class DescribeLogStreamsResponse
{
    public List<LogStream> LogStreams { get; init; } = [];
    public string? NextToken { get; init; }
}

public sealed class GetLogEventsRequest
{
    public required string LogGroupName { get; init; }
    public required string LogStreamName { get; init; }
    public long? StartTime { get; init; }
    public string? NextToken { get; init; }
    public int? Limit { get; init; }
    public bool? StartFromHead { get; init; }
}

public sealed class OutputLogEvent
{
    public long Timestamp { get; init; }
    public string? Message { get; init; }
    public long? IngestionTime { get; init; }
}

public sealed class GetLogEventsResponse
{
    public List<OutputLogEvent> Events { get; init; } = [];
    public string? NextForwardToken { get; init; }
    public string? NextBackwardToken { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DescribeLogStreamsRequest))]
[JsonSerializable(typeof(DescribeLogStreamsResponse))]
[JsonSerializable(typeof(GetLogEventsRequest))]
[JsonSerializable(typeof(GetLogEventsResponse))]
internal sealed partial class LogsJsonContext : JsonSerializerContext;

/// <summary>The CloudWatch Logs operations knn uses, shaped like AWSSDK.CloudWatchLogs' IAmazonCloudWatchLogs.</summary>
public interface ICloudWatchLogsClient
{
    Task<DescribeLogStreamsResponse> DescribeLogStreamsAsync(DescribeLogStreamsRequest request, CancellationToken cancellationToken);
    Task<GetLogEventsResponse> GetLogEventsAsync(GetLogEventsRequest request, CancellationToken cancellationToken);
}

/// <summary>CloudWatch Logs over AWS JSON 1.1 (X-Amz-Target: Logs_20140328.&lt;Operation&gt;); both operations only read.</summary>
internal sealed class CloudWatchLogsClient(AwsJsonClient json) : ICloudWatchLogsClient
{
    public const string TargetPrefix = "Logs_20140328";

    private static readonly LogsJsonContext Types = LogsJsonContext.Default;

    public Task<DescribeLogStreamsResponse> DescribeLogStreamsAsync(DescribeLogStreamsRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("DescribeLogStreams", request, Types.DescribeLogStreamsRequest, Types.DescribeLogStreamsResponse, mutating: false, cancellationToken);

    public Task<GetLogEventsResponse> GetLogEventsAsync(GetLogEventsRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("GetLogEvents", request, Types.GetLogEventsRequest, Types.GetLogEventsResponse, mutating: false, cancellationToken);
}
