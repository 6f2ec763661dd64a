using System.Text.Json.Serialization;
using KnnCli.Core.Settings;
using KnnCli.Targets.SageMaker.Aws;
using KnnCli.Targets.SageMaker.Http;

namespace KnnCli.Targets.SageMaker.Tests.Fixtures;

/// <summary>Writes a training job's container log into moto's CloudWatch Logs, as SageMaker would, through our own signed JSON client.</summary>
public sealed class TrainingLogWriter : IDisposable
{
    private readonly HttpClient _http;
    private readonly AwsJsonClient _json;

    public TrainingLogWriter(MotoServer moto)
    {
        var options = moto.Options();
        var aws = AwsContext.Resolve(new CommonSettings(), options.Environment);
        _http = AwsHttp.CreateClient(aws, AwsService.CloudWatchLogs, options.Retry, TimeSpan.FromSeconds(30), options.Transport);
        _json = new AwsJsonClient(_http, AwsService.CloudWatchLogs, aws.Endpoint(AwsService.CloudWatchLogs), "Logs_20140328", dryRun: null);
    }

    public async Task CreateStreamAsync(string stream)
    {
        try
        {
            await _json.SendAsync("CreateLogGroup", new LogGroup { LogGroupName = "/aws/sagemaker/TrainingJobs" },
                TestLogsJsonContext.Default.LogGroup, TestLogsJsonContext.Default.Empty, mutating: true, CancellationToken.None);
        }
        catch (AwsServiceException e) when (e.ErrorCode == "ResourceAlreadyExistsException") { }
        await _json.SendAsync("CreateLogStream", new LogStreamName { LogGroupName = "/aws/sagemaker/TrainingJobs", LogStreamNameValue = stream },
            TestLogsJsonContext.Default.LogStreamName, TestLogsJsonContext.Default.Empty, mutating: true, CancellationToken.None);
    }

    /// <summary>Appends lines, one millisecond apart, starting at <paramref name="firstTimestamp"/> (epoch ms).</summary>
    public async Task PutAsync(string stream, long firstTimestamp, params string[] lines)
    {
        var response = await _json.SendAsync("PutLogEvents", new PutEvents
        {
            LogGroupName = "/aws/sagemaker/TrainingJobs",
            LogStreamName = stream,
            LogEvents = [.. lines.Select((line, i) => new InputEvent { Timestamp = firstTimestamp + i, Message = line })],
        }, TestLogsJsonContext.Default.PutEvents, TestLogsJsonContext.Default.PutEventsResponse, mutating: true, CancellationToken.None);
        // CloudWatch drops events older than 14 days or too far ahead; a test must not lose its lines silently.
        if (response.RejectedLogEventsInfo is { } rejected) throw new InvalidOperationException($"PutLogEvents rejected events: {rejected}");
    }

    public void Dispose() => _http.Dispose();
}

public sealed class LogGroup
{
    public required string LogGroupName { get; init; }
}

public sealed class LogStreamName
{
    public required string LogGroupName { get; init; }
    [JsonPropertyName("logStreamName")]
    public required string LogStreamNameValue { get; init; }
}

public sealed class InputEvent
{
    public long Timestamp { get; init; }
    public required string Message { get; init; }
}

public sealed class PutEvents
{
    public required string LogGroupName { get; init; }
    public required string LogStreamName { get; init; }
    public required List<InputEvent> LogEvents { get; init; }
}

public sealed class Empty;

public sealed class PutEventsResponse
{
    public System.Text.Json.JsonElement? RejectedLogEventsInfo { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LogGroup))]
[JsonSerializable(typeof(LogStreamName))]
[JsonSerializable(typeof(PutEvents))]
[JsonSerializable(typeof(Empty))]
[JsonSerializable(typeof(PutEventsResponse))]
internal sealed partial class TestLogsJsonContext : JsonSerializerContext;
