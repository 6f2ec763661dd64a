using System.Net;
using KnnCli.Core.Errors;
using KnnCli.Targets.SageMaker.Http;
using KnnCli.Targets.SageMaker.Tests.Fixtures;

namespace KnnCli.Targets.SageMaker.Tests;

/// <summary>
/// botocore's retry rules (retries/standard.py) over the real moto server: the logs client's 15 retries, per-attempt
/// timeouts, a quota refunded on success only, AWS_RETRY_MODE / AWS_MAX_ATTEMPTS and the profile's retry settings.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class BotocoreRetryTests(MotoServer moto) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("knn-retry-").FullName;
    private FaultInjector _faults = new((_, _) => null);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private SageMakerTargetInstance Target(
        Func<HttpRequestMessage, int, HttpResponseMessage?> fault,
        IReadOnlyDictionary<string, string?>? environment = null,
        Func<SageMakerTargetOptions, SageMakerTargetOptions>? change = null)
    {
        _faults = new FaultInjector(fault);
        var options = moto.Options(_faults.Transport, environment);
        return (SageMakerTargetInstance)SageMakerTarget.Create(MotoServer.Settings(), new RecordingLog(), change?.Invoke(options) ?? options);
    }

    private static bool Is(HttpRequestMessage request, string operation) => FaultHandler.Operation(request) == operation;

    private static HttpResponseMessage Throttled() => FaultHandler.Error(HttpStatusCode.BadRequest, "ThrottlingException", "Rate exceeded");

    private static SageMakerTargetOptions WithQuota(SageMakerTargetOptions options, int capacity) =>
        options with { Retry = options.Retry with { QuotaCapacity = capacity } };

    [Fact]
    public async Task The_log_tail_rides_out_fifteen_throttled_reads_in_a_row_whatever_AWS_MAX_ATTEMPTS_says()
    {
        var job = $"knn-logs-{Guid.NewGuid():N}"[..24];
        using (var writer = new TrainingLogWriter(moto))
        {
            await writer.CreateStreamAsync($"{job}/algo-1-1");
            await writer.PutAsync($"{job}/algo-1-1", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "line one", "line two");
        }
        await using var target = Target((request, attempt) => Is(request, "Logs_20140328.GetLogEvents") && attempt <= 15 ? Throttled() : null,
            new Dictionary<string, string?> { ["AWS_MAX_ATTEMPTS"] = "2" });
        var tail = new TrainingLogTail(target.Logs, job, instanceCount: 1);

        var lines = await tail.ReadNewAsync(CancellationToken.None);

        Assert.Equal(["line one", "line two"], lines.Select(e => e.Message));
        // 15 retries after the first attempt, then one more read that finds the end of the stream.
        Assert.Equal(17, _faults.Attempts("Logs_20140328.GetLogEvents"));
    }

    [Fact]
    public async Task The_log_client_gives_up_after_sixteen_attempts_and_the_control_plane_after_AWS_MAX_ATTEMPTS()
    {
        await using var target = Target((request, _) => Is(request, "Logs_20140328.GetLogEvents") || Is(request, "SageMaker.DescribeEndpoint") ? Throttled() : null,
            new Dictionary<string, string?> { ["AWS_MAX_ATTEMPTS"] = "2" });

        var logs = await Assert.ThrowsAsync<AwsServiceException>(() => target.Logs.GetLogEventsAsync(
            new Logs.GetLogEventsRequest { LogGroupName = TrainingLogTail.LogGroup, LogStreamName = "absent" }, CancellationToken.None));
        var sageMaker = await Assert.ThrowsAsync<AwsServiceException>(() => target.Hosting.DescribeEndpointAsync("e", CancellationToken.None));

        Assert.Equal("ThrottlingException", logs.ErrorCode);
        Assert.Equal(16, _faults.Attempts("Logs_20140328.GetLogEvents"));
        Assert.Equal("ThrottlingException", sageMaker.ErrorCode);
        Assert.Equal(2, _faults.Attempts("SageMaker.DescribeEndpoint"));
    }

    [Fact]
    public async Task An_attempt_that_gets_no_answer_in_time_is_retried_on_its_own_timeout()
    {
        await using var target = Target(
            (request, attempt) => Is(request, "SageMaker.DescribeEndpoint") && attempt == 1 ? FaultHandler.Slow(TimeSpan.FromSeconds(30)) : null,
            change: o => o with { Timings = o.Timings with { ControlPlaneAttemptTimeout = TimeSpan.FromMilliseconds(500) } });

        Assert.Null(await target.Hosting.DescribeEndpointAsync("knn-slow-absent", CancellationToken.None));
        Assert.Equal(2, _faults.Attempts("SageMaker.DescribeEndpoint"));
    }

    [Fact]
    public async Task Attempts_that_all_time_out_end_as_one_line_naming_the_timeout()
    {
        await using var target = Target(
            (request, _) => Is(request, "SageMaker.DescribeEndpoint") ? FaultHandler.Slow(TimeSpan.FromSeconds(30)) : null,
            change: o => o with { Timings = o.Timings with { ControlPlaneAttemptTimeout = TimeSpan.FromMilliseconds(200) } });

        var e = await Assert.ThrowsAsync<RemoteFailureException>(() => target.Hosting.DescribeEndpointAsync("e", CancellationToken.None));

        Assert.Equal($"SageMaker DescribeEndpoint: {moto.Url.GetLeftPart(UriPartial.Authority)} gave no answer within 0.2 s (after 3 attempts).", e.Message);
        Assert.Equal(3, _faults.Attempts("SageMaker.DescribeEndpoint"));
    }

    [Fact]
    public async Task A_retry_after_a_timeout_costs_ten_tokens()
    {
        // 10 tokens: one retry after a timeout (10) empties the quota; after a throttle (5) there would be room for two.
        await using var target = Target(
            (request, _) => Is(request, "SageMaker.DescribeEndpoint") ? FaultHandler.Slow(TimeSpan.FromSeconds(30)) : null,
            new Dictionary<string, string?> { ["AWS_MAX_ATTEMPTS"] = "5" },
            o => WithQuota(o, 10) with { Timings = o.Timings with { ControlPlaneAttemptTimeout = TimeSpan.FromMilliseconds(200) } });

        await Assert.ThrowsAsync<RemoteFailureException>(() => target.Hosting.DescribeEndpointAsync("e", CancellationToken.None));

        Assert.Equal(2, _faults.Attempts("SageMaker.DescribeEndpoint"));
    }

    [Fact]
    public async Task The_quota_taken_by_a_retry_comes_back_only_when_the_call_succeeds()
    {
        // 10 tokens, 5 a retry. ListEndpoints: throttled, then refused (no refund) -> 5 left.
        // DescribeEndpoint: throttled for good -> one retry (5), then the quota is empty: 2 attempts, not 5.
        await using var target = Target((request, attempt) =>
            Is(request, "SageMaker.ListEndpoints") ? attempt == 1 ? Throttled() : FaultHandler.Error(HttpStatusCode.BadRequest, "ValidationException", "bad")
            : Is(request, "SageMaker.DescribeEndpoint") ? Throttled()
            : null,
            new Dictionary<string, string?> { ["AWS_MAX_ATTEMPTS"] = "5" }, o => WithQuota(o, 10));

        await Assert.ThrowsAsync<AwsServiceException>(() => target.Hosting.ListLiveAsync(CancellationToken.None));
        await Assert.ThrowsAsync<AwsServiceException>(() => target.Hosting.DescribeEndpointAsync("e", CancellationToken.None));

        Assert.Equal(2, _faults.Attempts("SageMaker.ListEndpoints"));
        Assert.Equal(2, _faults.Attempts("SageMaker.DescribeEndpoint"));
    }

    [Fact]
    public async Task A_success_after_a_retry_gives_its_tokens_back()
    {
        // 10 tokens. Two calls that each succeed after one throttle leave the quota full, so a third call that stays
        // throttled still gets its two retries (3 attempts).
        await using var target = Target((request, attempt) =>
            Is(request, "SageMaker.ListModels") ? attempt is 1 or 3 ? Throttled() : null
            : Is(request, "SageMaker.DescribeEndpoint") ? Throttled()
            : null,
            new Dictionary<string, string?> { ["AWS_MAX_ATTEMPTS"] = "3" }, o => WithQuota(o, 10));
        var sageMaker = target.SageMaker;

        await sageMaker.ListModelsAsync(new SageMaker.ListModelsRequest(), CancellationToken.None);
        await sageMaker.ListModelsAsync(new SageMaker.ListModelsRequest(), CancellationToken.None);
        await Assert.ThrowsAsync<AwsServiceException>(() => target.Hosting.DescribeEndpointAsync("e", CancellationToken.None));

        Assert.Equal(4, _faults.Attempts("SageMaker.ListModels"));
        Assert.Equal(3, _faults.Attempts("SageMaker.DescribeEndpoint"));
    }

    [Theory]
    [InlineData("legacy", 0, 5)] // five attempts, 429 retried, no quota needed
    [InlineData("standard", 500, 1)] // a 429 without a throttling code is not retried
    public async Task Legacy_mode_tries_five_times_and_retries_429_without_a_quota(string mode, int quota, int attempts)
    {
        await using var target = Target((request, _) => Is(request, "SageMaker.DescribeEndpoint")
            ? new HttpResponseMessage((HttpStatusCode)429) { Content = new StringContent("""{"__type":"SomethingElse","message":"slow down"}""") }
            : null,
            new Dictionary<string, string?> { ["AWS_RETRY_MODE"] = mode }, o => WithQuota(o, quota));

        await Assert.ThrowsAsync<AwsServiceException>(() => target.Hosting.DescribeEndpointAsync("e", CancellationToken.None));

        Assert.Equal(attempts, _faults.Attempts("SageMaker.DescribeEndpoint"));
    }

    [Theory]
    [InlineData("AWS_RETRY_MODE", "fast", "AWS_RETRY_MODE 'fast' is not a retry mode: expected legacy, standard or adaptive.")]
    [InlineData("AWS_MAX_ATTEMPTS", "0", "AWS_MAX_ATTEMPTS '0' is not a positive whole number.")]
    [InlineData("AWS_MAX_ATTEMPTS", "three", "AWS_MAX_ATTEMPTS 'three' is not a positive whole number.")]
    public void A_bad_retry_setting_is_a_configuration_error(string variable, string value, string message)
    {
        var e = Assert.Throws<AwsConfigurationException>(() => Target((_, _) => null, new Dictionary<string, string?> { [variable] = value }));
        Assert.Equal(message, e.Message);
        Assert.Equal(ExitCodes.AwsConfiguration, e.ExitCode);
    }

    [Fact]
    public async Task The_profiles_max_attempts_applies_and_AWS_MAX_ATTEMPTS_wins_over_it()
    {
        var credentials = Path.Combine(_folder, "credentials");
        File.WriteAllText(credentials, $"""
            [default]
            aws_access_key_id = {MotoServer.AccessKeyId}
            aws_secret_access_key = {MotoServer.SecretAccessKey}
            max_attempts = 4
            retry_mode = standard
            """);
        var fault = (HttpRequestMessage request, int _) => Is(request, "SageMaker.DescribeEndpoint") ? Throttled() : null;

        await using (var target = Target(fault, new Dictionary<string, string?> { ["AWS_SHARED_CREDENTIALS_FILE"] = credentials }))
            await Assert.ThrowsAsync<AwsServiceException>(() => target.Hosting.DescribeEndpointAsync("e", CancellationToken.None));
        Assert.Equal(4, _faults.Attempts("SageMaker.DescribeEndpoint"));

        await using (var target = Target(fault, new Dictionary<string, string?> { ["AWS_SHARED_CREDENTIALS_FILE"] = credentials, ["AWS_MAX_ATTEMPTS"] = "2" }))
            await Assert.ThrowsAsync<AwsServiceException>(() => target.Hosting.DescribeEndpointAsync("e", CancellationToken.None));
        Assert.Equal(2, _faults.Attempts("SageMaker.DescribeEndpoint"));
    }
}
