using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using KnnCli.Core.Settings;
using KnnCli.Core.Targets;
using KnnCli.Targets.SageMaker.AutoScaling;
using KnnCli.Targets.SageMaker.Aws;
using KnnCli.Targets.SageMaker.Http;
using KnnCli.Targets.SageMaker.Logs;
using KnnCli.Targets.SageMaker.Runtime;
using KnnCli.Targets.SageMaker.SageMaker;

namespace KnnCli.Targets.SageMaker;

/// <summary>What a caller (tests, an embedding host) may change about the sagemaker target; the defaults are production's.</summary>
public sealed record SageMakerTargetOptions
{
    /// <summary>Where AWS_* variables are read from (tests pass their own, so they never touch the process environment).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    public SageMakerTimings Timings { get; init; } = new();

    public RetryOptions Retry { get; init; } = new();

    /// <summary>The innermost HTTP handler of the SageMaker, Runtime and Logs clients, under signing and retries (tests inject faults here).</summary>
    public Func<HttpMessageHandler> Transport { get; init; } = AwsHttp.DefaultTransport;
}

/// <summary>The sagemaker target: S3 through AWSSDK.S3; SageMaker, SageMaker Runtime and CloudWatch Logs through our own signed clients.</summary>
public static class SageMakerTarget
{
    /// <summary>Resolves region and endpoints now (missing region: exit 3); credentials are resolved at the first request sent.</summary>
    public static ITarget Create(CommonSettings settings, IWorkflowLog log) => Create(settings, log, new SageMakerTargetOptions());

    public static ITarget Create(CommonSettings settings, IWorkflowLog log, SageMakerTargetOptions options) =>
        new SageMakerTargetInstance(AwsContext.Resolve(settings, options.Environment), settings, log, options);

    /// <summary>knn doctor's checks; they need no region to start (a missing one is one of the failures reported).</summary>
    public static ITargetChecks CreateChecks(CommonSettings settings, IWorkflowLog log, SageMakerTargetOptions options) =>
        new SageMakerChecks(settings, log, options);
}

internal sealed class SageMakerTargetInstance : ITarget
{
    public const int LogsMaxRetries = 15;

    private readonly AwsContext _aws;
    private readonly HttpClient[] _httpClients;
    private readonly S3ObjectStore _store;
    private string? _defaultBucket;

    public SageMakerTargetInstance(AwsContext aws, CommonSettings settings, IWorkflowLog log, SageMakerTargetOptions options)
    {
        _aws = aws;
        var dryRun = settings.DryRun ? new DryRunLog(log) : null;
        var retry = aws.Retry(options.Retry);
        // The SageMaker Python SDK gives its logs client retries={"max_attempts": 15}: 15 retries after the first attempt,
        // set on the client, so it wins over AWS_MAX_ATTEMPTS as in botocore. One throttled read must not end a wait.
        var logsRetry = retry with { MaxAttempts = LogsMaxRetries + 1 };
        var sageMakerHttp = AwsHttp.CreateClient(aws, AwsService.SageMaker, retry, options.Timings.ControlPlaneAttemptTimeout, options.Transport);
        var logsHttp = AwsHttp.CreateClient(aws, AwsService.CloudWatchLogs, logsRetry, options.Timings.ControlPlaneAttemptTimeout, options.Transport);
        var runtimeHttp = AwsHttp.CreateClient(aws, AwsService.SageMakerRuntime, retry, options.Timings.RuntimeAttemptTimeout, options.Transport);
        var autoScalingHttp = AwsHttp.CreateClient(aws, AwsService.ApplicationAutoScaling, retry, options.Timings.ControlPlaneAttemptTimeout, options.Transport);
        var cloudWatchHttp = AwsHttp.CreateClient(aws, AwsService.CloudWatch, retry, options.Timings.ControlPlaneAttemptTimeout, options.Transport);
        _httpClients = [sageMakerHttp, logsHttp, runtimeHttp, autoScalingHttp, cloudWatchHttp];

        SageMaker = new SageMakerClient(new AwsJsonClient(sageMakerHttp, AwsService.SageMaker, aws.Endpoint(AwsService.SageMaker), "SageMaker", dryRun));
        Logs = new CloudWatchLogsClient(new AwsJsonClient(logsHttp, AwsService.CloudWatchLogs, aws.Endpoint(AwsService.CloudWatchLogs), CloudWatchLogsClient.TargetPrefix, dryRun));
        RuntimeClient = new SageMakerRuntimeClient(runtimeHttp, aws.Endpoint(AwsService.SageMakerRuntime));
        var scaleToZero = new ScaleToZero(
            new ApplicationAutoScalingClient(new AwsJsonClient(autoScalingHttp, AwsService.ApplicationAutoScaling, aws.Endpoint(AwsService.ApplicationAutoScaling), ApplicationAutoScalingClient.TargetPrefix, dryRun)),
            new CloudWatchClient(new AwsJsonClient(cloudWatchHttp, AwsService.CloudWatch, aws.Endpoint(AwsService.CloudWatch), CloudWatchClient.TargetPrefix, dryRun, jsonVersion: "1.0")));

        var region = aws.Region.SystemName;
        _store = new S3ObjectStore(aws, dryRun, S3Encryption.From(settings.Production));
        var trainer = new SageMakerTrainer(SageMaker, Logs, region, settings.RoleArn, settings.DryRun, options.Timings, settings.Production);
        Trainer = trainer;
        Tuner = new SageMakerTuner(SageMaker, trainer, settings.DryRun, options.Timings);
        var hosting = new SageMakerHosting(SageMaker, aws.Endpoint(AwsService.SageMakerRuntime), region, settings.RoleArn, settings.DryRun, options.Timings, settings.Production, scaleToZero);
        Hosting = hosting;
        BatchTransformer = new SageMakerBatchTransformer(SageMaker, hosting, settings.DryRun, options.Timings, settings.Production);
        Runtime = new SageMakerEndpointRuntime(RuntimeClient, retry);
    }

    public string Name => "sagemaker";

    internal AwsContext Aws => _aws;

    internal S3ObjectStore S3 => _store;

    public IObjectStore Store => _store;

    public ITrainer Trainer { get; }

    public ITuner Tuner { get; }

    public IHosting Hosting { get; }

    public IEndpointRuntime Runtime { get; }

    public IBatchTransformer BatchTransformer { get; }

    internal ISageMakerClient SageMaker { get; }

    internal ICloudWatchLogsClient Logs { get; }

    internal ISageMakerRuntimeClient RuntimeClient { get; }

    /// <summary>sagemaker-&lt;region&gt;-&lt;account&gt; like the Python SDK's default bucket; the caller creates it with Store.EnsureBucketAsync.</summary>
    public async Task<string> GetDefaultBucketAsync(CancellationToken cancellationToken) =>
        _defaultBucket ??= $"sagemaker-{_aws.Region.SystemName}-{(await CallerIdentityAsync(cancellationToken).ConfigureAwait(false)).Account}";

    /// <summary>STS GetCallerIdentity: the account and the ARN the credentials act as.</summary>
    internal async Task<GetCallerIdentityResponse> CallerIdentityAsync(CancellationToken cancellationToken)
    {
        var config = new AmazonSecurityTokenServiceConfig();
        if (_aws.EndpointOverride(AwsService.Sts) is { } url)
        {
            config.ServiceURL = url.ToString();
            config.AuthenticationRegion = _aws.Region.SystemName;
        }
        else
        {
            config.RegionEndpoint = _aws.Region;
        }

        using var sts = new AmazonSecurityTokenServiceClient(_aws.Credentials, config);
        try
        {
            return await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonServiceException e)
        {
            throw new AwsServiceException(AwsService.Sts, "GetCallerIdentity", (int)e.StatusCode, e.ErrorCode ?? "Unknown", e.Message, e.RequestId);
        }
        catch (Exception e) when (e is AmazonClientException || AwsClientFailures.IsNetworkFailure(e))
        {
            throw AwsClientFailures.Translate(e, AwsService.Sts, "GetCallerIdentity");
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var http in _httpClients) http.Dispose();
        _store.Dispose();
        return ValueTask.CompletedTask;
    }
}
