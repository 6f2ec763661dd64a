using System.Net;
using KnnCli.Core.Errors;
using KnnCli.Core.Targets;
using KnnCli.Engine;
using KnnCli.Targets.SageMaker.Http;
using KnnCli.Targets.SageMaker.Tests.Fixtures;

namespace KnnCli.Targets.SageMaker.Tests;

/// <summary>
/// Faults injected under the signer, the real moto server behind them, over whole train/deploy/cleanup flows: retryable
/// faults are ridden out, the rest are reported with the service's reason, and cleanup afterwards leaves nothing live.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class FaultScenarioTests(MotoServer moto)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public static TheoryData<string> RetryableFaults => ["throttling", "500", "503", "reset", "slow"];

    private static HttpResponseMessage Fault(string kind) => kind switch
    {
        "throttling" => FaultHandler.Error(HttpStatusCode.BadRequest, "ThrottlingException", "Rate exceeded"),
        "500" => FaultHandler.Error(HttpStatusCode.InternalServerError, "InternalFailure", "We encountered an internal error."),
        "503" => FaultHandler.Error(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", "Service is unavailable."),
        "reset" => FaultHandler.ConnectionReset(),
        "slow" => FaultHandler.Slow(TimeSpan.FromSeconds(30)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private SageMakerTargetOptions Options(FaultInjector faults) =>
        moto.Options(faults.Transport) with { Timings = SageMakerTimings.Fast with { ControlPlaneAttemptTimeout = TimeSpan.FromSeconds(2) } };

    private DeployRequest Names(string kind) => new()
    {
        ModelName = $"knn-{kind}-model-{_run}",
        EndpointConfigName = $"knn-{kind}-config-{_run}",
        EndpointName = $"knn-{kind}-endpoint-{_run}",
        ModelArtifact = StoreUri.Parse($"s3://bucket/{kind}/model.tar.gz"),
    };

    private TrainingRequest Job(string name) => new()
    {
        JobName = name,
        Hyperparameters = new KnnHyperparameters { K = 1, SampleSize = 10, PredictorType = PredictorType.Classifier, FeatureDim = 4 },
        Train = StoreUri.Parse("s3://bucket/train"),
        OutputPath = StoreUri.Parse("s3://bucket/output"),
    };

    /// <summary>moto loads a service's backend on its first request, which can take longer than the short attempt timeout here.</summary>
    private async Task WarmUpAsync()
    {
        await using var target = (SageMakerTargetInstance)SageMakerTarget.Create(MotoServer.Settings(), new RecordingLog(), moto.Options());
        await target.SageMaker.ListTrainingJobsAsync(new SageMaker.ListTrainingJobsRequest(), CancellationToken.None);
        await new TrainingLogTail(target.Logs, "knn-warm-up", 1).ReadNewAsync(CancellationToken.None);
    }

    private async Task AssertNothingLiveAsync(ITarget target) =>
        Assert.DoesNotContain(await target.Hosting.ListLiveAsync(CancellationToken.None), r => r.Name.EndsWith(_run, StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(RetryableFaults))]
    public async Task A_burst_of_retryable_faults_on_every_call_is_ridden_out_from_train_to_cleanup(string kind)
    {
        // The first two attempts of every SageMaker and Logs operation fail (slow answers: the first, each costing a
        // whole attempt timeout); the next reaches moto.
        var failing = kind == "slow" ? 1 : 2;
        var faults = new FaultInjector((request, attempt) => attempt <= failing && request.Headers.Contains("X-Amz-Target") ? Fault(kind) : null);
        var log = new RecordingLog();
        await WarmUpAsync();
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), log, Options(faults));
        var names = Names(kind);

        var trained = await target.Trainer.TrainAsync(Job($"knn-{kind}-job-{_run}"), wait: true, log, CancellationToken.None);
        var endpoint = await target.Hosting.DeployAsync(names, log, CancellationToken.None);
        var deleted = await target.Hosting.DeleteAsync(names.EndpointName, names.EndpointConfigName, names.ModelName, log, CancellationToken.None);

        Assert.Equal(TrainingStatus.Completed, trained.Status);
        Assert.Equal("InService", endpoint.Status);
        Assert.All(deleted, d => Assert.Equal(DeleteOutcome.Deleted, d.Outcome));
        foreach (var operation in new[] { "CreateTrainingJob", "DescribeTrainingJob", "CreateModel", "CreateEndpointConfig", "CreateEndpoint", "DeleteEndpoint", "DeleteModel" })
            Assert.True(faults.Attempts($"SageMaker.{operation}") > failing, $"{operation}: {faults.Attempts($"SageMaker.{operation}")} attempts");
        Assert.True(faults.Attempts("Logs_20140328.DescribeLogStreams") > failing);
        await AssertNothingLiveAsync(target);
    }

    [Fact]
    public async Task After_an_endpoint_fails_cleanup_deletes_its_model_config_and_endpoint()
    {
        var names = Names("failed");
        var failing = true;
        var faults = new FaultInjector((request, _) => failing && FaultHandler.Operation(request) == "SageMaker.DescribeEndpoint"
            ? FaultHandler.Json($$"""{"EndpointName":"{{names.EndpointName}}","EndpointArn":"arn:aws:sagemaker:us-east-1:123456789012:endpoint/{{names.EndpointName}}","EndpointStatus":"Failed","FailureReason":"The primary container for production variant AllTraffic did not pass the ping health check.","CreationTime":1764288000}""")
            : null);
        var log = new RecordingLog();
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), log, Options(faults));

        var e = await Assert.ThrowsAsync<RemoteFailureException>(() => target.Hosting.DeployAsync(names, log, CancellationToken.None));
        Assert.Equal($"Endpoint {names.EndpointName} failed: The primary container for production variant AllTraffic did not pass the ping health check.", e.Message);
        failing = false;

        var deleted = await target.Hosting.DeleteAsync(names.EndpointName, names.EndpointConfigName, names.ModelName, log, CancellationToken.None);
        Assert.All(deleted, d => Assert.Equal(DeleteOutcome.Deleted, d.Outcome));
        await AssertNothingLiveAsync(target);
    }

    [Fact]
    public async Task A_name_in_use_is_reported_with_the_services_reason_and_not_retried()
    {
        var names = Names("taken");
        // moto accepts a second CreateModel with the same name; SageMaker refuses it like this.
        var faults = new FaultInjector((request, attempt) => FaultHandler.Operation(request) == "SageMaker.CreateModel" && attempt == 2
            ? FaultHandler.Error(HttpStatusCode.BadRequest, "ValidationException", $"Cannot create already existing model \\\"arn:aws:sagemaker:us-east-1:123456789012:model/{names.ModelName}\\\".")
            : null);
        var log = new RecordingLog();
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), log, Options(faults));
        await target.Hosting.DeployAsync(names, log, CancellationToken.None);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => target.Hosting.DeployAsync(names, log, CancellationToken.None));

        Assert.Equal(ExitCodes.UsageOrInput, e.ExitCode);
        Assert.StartsWith("SageMaker CreateModel: ValidationException: ", e.Message);
        Assert.Contains(names.ModelName, e.Message);
        Assert.Equal(2, faults.Attempts("SageMaker.CreateModel"));
        await target.Hosting.DeleteAsync(names.EndpointName, names.EndpointConfigName, names.ModelName, log, CancellationToken.None);
        await AssertNothingLiveAsync(target);
    }

    [Fact]
    public async Task A_resource_in_use_is_reported_with_the_services_reason_and_a_later_cleanup_finishes()
    {
        var names = Names("inuse");
        var inUse = true;
        var faults = new FaultInjector((request, _) => inUse && FaultHandler.Operation(request) == "SageMaker.DeleteModel"
            ? FaultHandler.Error(HttpStatusCode.BadRequest, "ResourceInUse", $"Model {names.ModelName} is in use by a running batch transform job.")
            : null);
        var log = new RecordingLog();
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), log, Options(faults));
        await target.Hosting.DeployAsync(names, log, CancellationToken.None);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => target.Hosting.DeleteAsync(names.EndpointName, names.EndpointConfigName, names.ModelName, log, CancellationToken.None));
        Assert.Equal($"SageMaker DeleteModel: ResourceInUse: Model {names.ModelName} is in use by a running batch transform job.", e.Message);
        Assert.Equal(ExitCodes.UsageOrInput, e.ExitCode);
        Assert.Equal(1, faults.Attempts("SageMaker.DeleteModel"));

        inUse = false;
        var again = await target.Hosting.DeleteAsync(names.EndpointName, names.EndpointConfigName, names.ModelName, log, CancellationToken.None);
        Assert.Equal([DeleteOutcome.NotFound, DeleteOutcome.NotFound, DeleteOutcome.Deleted], again.Select(d => d.Outcome));
        await AssertNothingLiveAsync(target);
    }

    [Fact]
    public async Task Credentials_that_expire_during_a_wait_end_it_with_exit_3_and_the_services_reason()
    {
        var describes = 0;
        var faults = new FaultInjector((request, _) =>
        {
            if (FaultHandler.Operation(request) != "SageMaker.DescribeTrainingJob") return null;
            return Interlocked.Increment(ref describes) <= 2
                ? FaultHandler.Json("""{"TrainingJobName":"j","TrainingJobStatus":"InProgress","SecondaryStatus":"Training","CreationTime":1764288000}""")
                : FaultHandler.Error(HttpStatusCode.BadRequest, "ExpiredTokenException", "The security token included in the request is expired");
        });
        var log = new RecordingLog();
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), log, Options(faults));

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => target.Trainer.WaitAsync("j", log, CancellationToken.None));

        Assert.Equal("SageMaker DescribeTrainingJob: ExpiredTokenException: The security token included in the request is expired", e.Message);
        Assert.Equal(ExitCodes.AwsConfiguration, e.ExitCode);
        Assert.Equal(3, describes); // not retried
    }
}
