using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using KnnCli.Core.Settings;
using KnnCli.Core.Targets;
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
}

internal sealed class SageMakerTargetInstance : ITarget
{
    /// <summary>The container must answer InvokeEndpoint within 60 s; the docs advise a client timeout a little above it.</summary>
    private static readonly TimeSpan RuntimeTimeout = TimeSpan.FromSeconds(70);

    private static readonly TimeSpan ControlPlaneTimeout = TimeSpan.FromSeconds(60);

    private readonly AwsContext _aws;
    private readonly HttpClient[] _httpClients;
    private readonly S3ObjectStore _store;
    private string? _defaultBucket;

    public SageMakerTargetInstance(AwsContext aws, CommonSettings settings, IWorkflowLog log, SageMakerTargetOptions options)
    {
        _aws = aws;
        var dryRun = settings.DryRun ? new DryRunLog(log) : null;
        // AWS_MAX_ATTEMPTS overrides the attempt count, as in the AWS CLI and SDKs.
        var retry = int.TryParse(options.Environment("AWS_MAX_ATTEMPTS"), out var attempts) && attempts >= 1
            ? options.Retry with { MaxAttempts = attempts }
            : options.Retry;
        var sageMakerHttp = AwsHttp.CreateClient(aws, AwsService.SageMaker, retry, ControlPlaneTimeout, options.Transport);
        var logsHttp = AwsHttp.CreateClient(aws, AwsService.CloudWatchLogs, retry, ControlPlaneTimeout, options.Transport);
        var runtimeHttp = AwsHttp.CreateClient(aws, AwsService.SageMakerRuntime, retry, RuntimeTimeout, options.Transport);
        _httpClients = [sageMakerHttp, logsHttp, runtimeHttp];

        SageMaker = new SageMakerClient(new AwsJsonClient(sageMakerHttp, AwsService.SageMaker, aws.Endpoint(AwsService.SageMaker), "SageMaker", dryRun));
        Logs = new CloudWatchLogsClient(new AwsJsonClient(logsHttp, AwsService.CloudWatchLogs, aws.Endpoint(AwsService.CloudWatchLogs), CloudWatchLogsClient.TargetPrefix, dryRun));
        RuntimeClient = new SageMakerRuntimeClient(runtimeHttp, aws.Endpoint(AwsService.SageMakerRuntime));

        var region = aws.Region.SystemName;
        _store = new S3ObjectStore(aws, dryRun);
        Trainer = new SageMakerTrainer(SageMaker, Logs, region, settings.RoleArn, settings.DryRun, options.Timings);
        Hosting = new SageMakerHosting(SageMaker, aws.Endpoint(AwsService.SageMakerRuntime), region, settings.RoleArn, settings.DryRun, options.Timings);
        Runtime = new SageMakerEndpointRuntime(RuntimeClient, retry);
    }

    public string Name => "sagemaker";

    public IObjectStore Store => _store;

    public ITrainer Trainer { get; }

    public IHosting Hosting { get; }

    public IEndpointRuntime Runtime { get; }

    internal ISageMakerClient SageMaker { get; }

    internal ICloudWatchLogsClient Logs { get; }

    internal ISageMakerRuntimeClient RuntimeClient { get; }

    /// <summary>sagemaker-&lt;region&gt;-&lt;account&gt; like the Python SDK's default bucket; the caller creates it with Store.EnsureBucketAsync.</summary>
    public async Task<string> GetDefaultBucketAsync(CancellationToken cancellationToken)
    {
        if (_defaultBucket is not null) return _defaultBucket;
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
            var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken).ConfigureAwait(false);
            return _defaultBucket = $"sagemaker-{_aws.Region.SystemName}-{identity.Account}";
        }
        catch (AmazonServiceException e)
        {
            throw new AwsServiceException(AwsService.Sts, "GetCallerIdentity", (int)e.StatusCode, e.ErrorCode ?? "Unknown", e.Message, e.RequestId);
        }
        catch (AmazonClientException e)
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
