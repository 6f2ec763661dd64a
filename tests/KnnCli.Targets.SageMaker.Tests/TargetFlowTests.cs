using System.Text;
using Amazon.S3;
using KnnCli.Core.Errors;
using KnnCli.Core.Targets;
using KnnCli.Engine;
using KnnCli.Targets.SageMaker.Tests.Fixtures;

namespace KnnCli.Targets.SageMaker.Tests;

/// <summary>The whole sagemaker target against a real moto server, every JSON request checked against the official models.</summary>
[Collection(MotoCollection.Name)]
public sealed class TargetFlowTests(MotoServer moto) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("knn-sagemaker-").FullName;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WriteCsv(string name, int rows)
    {
        var path = Path.Combine(_folder, name);
        var text = new StringBuilder();
        for (var i = 0; i < rows; i++) text.Append(i % 3).Append(",5.1,3.5,1.4,0.2\n");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    [Fact]
    public async Task Upload_train_deploy_invoke_and_cleanup_leave_nothing_live()
    {
        var transport = new CheckedTransport();
        var log = new RecordingLog();
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), log, moto.Options(() => transport.Create()));
        var ct = CancellationToken.None;

        // Upload to the default bucket, created when absent.
        var bucket = await target.GetDefaultBucketAsync(ct);
        Assert.Equal($"sagemaker-us-east-1-{MotoServer.AccountId}", bucket);
        await target.Store.EnsureBucketAsync(bucket, ct);
        await target.Store.EnsureBucketAsync(bucket, ct);
        var prefix = new StoreUri(bucket, $"knn-{_run}");
        var train = prefix.Append("train/train.csv");
        var test = prefix.Append("test/test.csv");
        await target.Store.PutFileAsync(WriteCsv("train.csv", 112), train, "text/csv", null, ct);
        await target.Store.PutFileAsync(WriteCsv("test.csv", 38), test, "text/csv", null, ct);
        Assert.True(await target.Store.ExistsAsync(train, ct));

        // The container's log, as SageMaker writes it, for the tail to find.
        var job = $"knn-{_run}";
        using (var writer = new TrainingLogWriter(moto))
        {
            await writer.CreateStreamAsync($"{job}/algo-1-1700000000");
            await writer.PutAsync($"{job}/algo-1-1700000000", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                "[11/27/2026 23:59:59 INFO 140] Reading default configuration from /opt/amazon/lib/python3.7/site-packages/algorithm/resources/default-conf.json",
                "#test_score (algo-1) : ('accuracy', 0.9736842105263158)",
                "#quality_metric: host=algo-1, test accuracy <score>=0.9736842105263158");
        }

        var result = await target.Trainer.TrainAsync(new TrainingRequest
        {
            JobName = job,
            Hyperparameters = new KnnHyperparameters { K = 1, SampleSize = 1000, PredictorType = PredictorType.Classifier, FeatureDim = 4 },
            Train = train,
            Test = test,
            OutputPath = prefix.Append("output"),
        }, wait: true, log, ct);

        Assert.Equal(TrainingStatus.Completed, result.Status);
        Assert.Equal(prefix.Append($"output/{job}/output/model.tar.gz"), result.ModelArtifact);
        // test:accuracy from the log lines; moto's FinalMetricDataList adds train:progress.
        Assert.Equal([new("test:accuracy", 0.9736842105263158), new TrainingMetric("train:progress", 100)], result.Metrics);
        Assert.Equal(3, log.LogLines.Count);
        Assert.Contains($"Training job {job}: Completed", log.InfoLines);

        // Deploy, wait InService, invoke.
        var names = new DeployRequest
        {
            ModelName = $"knn-model-{_run}",
            EndpointConfigName = $"knn-config-{_run}",
            EndpointName = $"knn-endpoint-{_run}",
            ModelArtifact = result.ModelArtifact!.Value,
        };
        var endpoint = await target.Hosting.DeployAsync(names, log, ct);
        Assert.Equal("InService", endpoint.Status);
        Assert.Equal(new Uri(moto.Url, $"endpoints/{names.EndpointName}/invocations").ToString(), endpoint.Url);
        Assert.Equal("InService", (await target.Hosting.DescribeEndpointAsync(names.EndpointName, ct))!.Status);

        await moto.SeedEndpointResultsAsync(("""{"predictions":[{"predicted_label":0.0}]}""", "application/json"));
        var answer = await target.Runtime.InvokeAsync(names.EndpointName, "5.1,3.5,1.4,0.2"u8.ToArray(), "text/csv", "application/json", ct);
        Assert.Equal("""{"predictions":[{"predicted_label":0.0}]}""", Encoding.UTF8.GetString(answer.Body));
        Assert.Equal("application/json", answer.ContentType);

        var live = await target.Hosting.ListLiveAsync(ct);
        Assert.Contains(new LiveResource("endpoint", names.EndpointName, "InService", null), live.Select(r => r with { Created = null }));
        Assert.Contains(live, r => r.Kind == "endpoint-config" && r.Name == names.EndpointConfigName);
        Assert.Contains(live, r => r.Kind == "model" && r.Name == names.ModelName);

        // Cleanup, then again: the second run finds nothing and says so without failing.
        var deleted = await target.Hosting.DeleteAsync(names.EndpointName, names.EndpointConfigName, names.ModelName, log, ct);
        Assert.Equal(
            [new("endpoint", names.EndpointName, DeleteOutcome.Deleted), new("endpoint-config", names.EndpointConfigName, DeleteOutcome.Deleted), new DeletedResource("model", names.ModelName, DeleteOutcome.Deleted)],
            deleted);
        var again = await target.Hosting.DeleteAsync(names.EndpointName, names.EndpointConfigName, names.ModelName, log, ct);
        Assert.All(again, d => Assert.Equal(DeleteOutcome.NotFound, d.Outcome));
        Assert.Null(await target.Hosting.DescribeEndpointAsync(names.EndpointName, ct));
        Assert.DoesNotContain(await target.Hosting.ListLiveAsync(ct), r => r.Name.EndsWith(_run, StringComparison.Ordinal));

        Assert.Equal(2, await target.Store.DeletePrefixAsync(prefix, ct));
        Assert.False(await target.Store.ExistsAsync(train, ct));
        Assert.Equal(0, await target.Store.DeletePrefixAsync(prefix, ct));

        Assert.Empty(transport.Violations);
        Assert.Contains("SageMaker.CreateTrainingJob", transport.Operations);
        Assert.Contains("SageMaker.CreateEndpointConfig", transport.Operations);
        Assert.Contains("Logs_20140328.GetLogEvents", transport.Operations);
    }

    [Fact]
    public async Task A_serverless_deploy_with_provisioned_concurrency_sends_a_variant_that_the_model_accepts_and_is_described_as_serverless()
    {
        var transport = new CheckedTransport();
        var log = new RecordingLog();
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), log, moto.Options(() => transport.Create()));
        var names = new DeployRequest
        {
            ModelName = $"knn-sl-model-{_run}",
            EndpointConfigName = $"knn-sl-config-{_run}",
            EndpointName = $"knn-sl-endpoint-{_run}",
            ModelArtifact = StoreUri.Parse("s3://bucket/output/model.tar.gz"),
            Serverless = new ServerlessSettings(2048, 5, ProvisionedConcurrency: 2),
        };
        var deployed = await target.Hosting.DeployAsync(names, log, CancellationToken.None);
        Assert.Equal("InService", deployed.Status);
        Assert.True(deployed.Serverless);
        Assert.True((await target.Hosting.DescribeEndpointAsync(names.EndpointName, CancellationToken.None))!.Serverless);
        await target.Hosting.DeleteAsync(names.EndpointName, names.EndpointConfigName, names.ModelName, log, CancellationToken.None);
        Assert.Empty(transport.Violations);
    }

    [Fact]
    public async Task Dry_run_prints_every_mutating_request_and_sends_none_and_never_a_secret()
    {
        var log = new RecordingLog();
        await using var target = SageMakerTarget.Create(MotoServer.Settings(dryRun: true), log, moto.Options());
        var ct = CancellationToken.None;
        var bucket = $"knn-dry-{_run}";

        await target.Store.EnsureBucketAsync(bucket, ct);
        await target.Store.PutFileAsync(WriteCsv("train.csv", 5), new StoreUri(bucket, "knn/train/train.csv"), "text/csv", null, ct);
        var result = await target.Trainer.TrainAsync(new TrainingRequest
        {
            JobName = $"knn-dry-{_run}",
            Hyperparameters = new KnnHyperparameters { K = 3, SampleSize = 10, PredictorType = PredictorType.Regressor, FeatureDim = 4 },
            Train = new StoreUri(bucket, "knn/train/train.csv"),
            OutputPath = new StoreUri(bucket, "knn/output"),
        }, wait: true, log, ct);
        var endpoint = await target.Hosting.DeployAsync(new DeployRequest
        {
            ModelName = $"knn-dry-model-{_run}",
            EndpointConfigName = $"knn-dry-config-{_run}",
            EndpointName = $"knn-dry-endpoint-{_run}",
            ModelArtifact = result.ModelArtifact!.Value,
        }, log, ct);
        await target.Hosting.DeleteAsync($"knn-dry-endpoint-{_run}", null, null, log, ct);

        Assert.Equal(TrainingStatus.InProgress, result.Status);
        Assert.Equal("DryRun", endpoint.Status);
        var printed = log.InfoLines.Where(l => l.StartsWith("[dry-run]", StringComparison.Ordinal)).ToList();
        Assert.Equal(["CreateBucket", "PutObject", "CreateTrainingJob", "CreateModel", "CreateEndpointConfig", "CreateEndpoint", "DeleteEndpoint"],
            printed.Select(l => l.Split(' ')[2].TrimEnd(':')).ToList());
        Assert.Contains(printed, l => l.Contains("\"TrainingJobName\":\"knn-dry-", StringComparison.Ordinal) && l.Contains(moto.Url.ToString(), StringComparison.Ordinal));
        Assert.DoesNotContain(log.InfoLines, l => l.Contains(MotoServer.SecretAccessKey, StringComparison.Ordinal));

        // Nothing reached moto.
        Assert.Null(await target.Hosting.DescribeEndpointAsync($"knn-dry-endpoint-{_run}", ct));
        using var s3 = new AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials(MotoServer.AccessKeyId, MotoServer.SecretAccessKey),
            new AmazonS3Config { ServiceURL = moto.Url.ToString(), ForcePathStyle = true, AuthenticationRegion = MotoServer.Region });
        Assert.DoesNotContain((await s3.ListBucketsAsync()).Buckets ?? [], b => b.BucketName == bucket);
    }

    [Fact]
    public async Task A_failed_endpoint_raises_its_failure_reason_with_exit_code_1()
    {
        var log = new RecordingLog();
        var options = moto.Options(new FaultInjector((request, _) => FaultHandler.Operation(request) == "SageMaker.DescribeEndpoint"
            ? FaultHandler.Json("""{"EndpointName":"e","EndpointArn":"arn:aws:sagemaker:us-east-1:123456789012:endpoint/e","EndpointStatus":"Failed","FailureReason":"The primary container for production variant AllTraffic did not pass the ping health check.","CreationTime":1764288000,"LastModifiedTime":1764288000}""")
            : null).Transport);
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), log, options);

        var e = await Assert.ThrowsAsync<RemoteFailureException>(() => target.Hosting.DeployAsync(new DeployRequest
        {
            ModelName = $"knn-fail-model-{_run}",
            EndpointConfigName = $"knn-fail-config-{_run}",
            EndpointName = $"knn-fail-endpoint-{_run}",
            ModelArtifact = StoreUri.Parse("s3://bucket/model.tar.gz"),
        }, log, CancellationToken.None));
        Assert.Equal(ExitCodes.RemoteFailure, e.ExitCode);
        Assert.Contains("did not pass the ping health check", e.Message);
    }

    [Fact]
    public async Task A_failed_training_job_is_a_failed_result_with_its_reason()
    {
        var log = new RecordingLog();
        var options = moto.Options(new FaultInjector((request, _) => FaultHandler.Operation(request) == "SageMaker.DescribeTrainingJob"
            ? FaultHandler.Json("""{"TrainingJobName":"j","TrainingJobArn":"arn:aws:sagemaker:us-east-1:123456789012:training-job/j","TrainingJobStatus":"Failed","SecondaryStatus":"Failed","FailureReason":"ClientError: Unable to initialize the algorithm. Failed to validate input data configuration.","ModelArtifacts":{"S3ModelArtifacts":""},"CreationTime":1764288000,"SecondaryStatusTransitions":[{"Status":"Starting","StartTime":1764288000,"StatusMessage":"Launching requested ML instances"},{"Status":"Failed","StartTime":1764288100,"StatusMessage":"Training job failed"}]}""")
            : null).Transport);
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), log, options);

        var result = await target.Trainer.WaitAsync("j", log, CancellationToken.None);

        Assert.Equal(TrainingStatus.Failed, result.Status);
        Assert.StartsWith("ClientError: Unable to initialize the algorithm", result.FailureReason);
        Assert.Null(result.ModelArtifact);
        Assert.Equal(["Training job j: Failed", "Starting - Launching requested ML instances", "Failed - Training job failed"], log.InfoLines);
    }

    [Fact]
    public async Task Cancelling_a_wait_stops_waiting_and_leaves_the_job_alone()
    {
        var log = new RecordingLog();
        var describes = 0;
        using var cancellation = new CancellationTokenSource();
        var options = moto.Options(new FaultInjector((request, _) =>
        {
            if (FaultHandler.Operation(request) != "SageMaker.DescribeTrainingJob") return null;
            if (Interlocked.Increment(ref describes) == 3) cancellation.Cancel();
            return FaultHandler.Json("""{"TrainingJobName":"j","TrainingJobArn":"arn:aws:sagemaker:us-east-1:123456789012:training-job/j","TrainingJobStatus":"InProgress","SecondaryStatus":"Training","ModelArtifacts":{"S3ModelArtifacts":""},"CreationTime":1764288000}""");
        }).Transport);
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), log, options);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => target.Trainer.WaitAsync("j", log, cancellation.Token));
        Assert.True(describes >= 3);
        Assert.DoesNotContain(log.InfoLines, l => l.Contains("Stop", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Training_without_waiting_returns_in_progress_and_the_job_can_be_waited_on_later()
    {
        var log = new RecordingLog();
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), log, moto.Options());
        var job = $"knn-nowait-{_run}";
        var started = await target.Trainer.TrainAsync(new TrainingRequest
        {
            JobName = job,
            Hyperparameters = new KnnHyperparameters { K = 1, SampleSize = 10, PredictorType = PredictorType.Classifier, FeatureDim = 4 },
            Train = StoreUri.Parse("s3://bucket/train"),
            OutputPath = StoreUri.Parse("s3://bucket/output"),
            InputMode = InputMode.File,
        }, wait: false, log, CancellationToken.None);
        Assert.Equal(TrainingStatus.InProgress, started.Status);

        var finished = await target.Trainer.WaitAsync(job, log, CancellationToken.None);
        Assert.Equal(TrainingStatus.Completed, finished.Status);
        Assert.DoesNotContain(finished.Metrics, m => m.Name.StartsWith("test:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_running_knn_training_job_is_listed_as_live()
    {
        var log = new RecordingLog();
        var job = $"knn-live-{_run}";
        // moto finishes jobs at once, so its list is answered as SageMaker would answer while the job runs; ListTags is real.
        var options = moto.Options(new FaultInjector((request, _) => FaultHandler.Operation(request) == "SageMaker.ListTrainingJobs"
            ? FaultHandler.Json($$"""{"TrainingJobSummaries":[{"TrainingJobName":"{{job}}","TrainingJobArn":"arn:aws:sagemaker:us-east-1:123456789012:training-job/{{job}}","CreationTime":1764288000.5,"TrainingJobStatus":"InProgress"}]}""")
            : null).Transport);
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), log, options);
        await target.Trainer.TrainAsync(new TrainingRequest
        {
            JobName = job,
            Hyperparameters = new KnnHyperparameters { K = 1, SampleSize = 10, PredictorType = PredictorType.Classifier, FeatureDim = 4 },
            Train = StoreUri.Parse("s3://bucket/train"),
            OutputPath = StoreUri.Parse("s3://bucket/output"),
        }, wait: false, log, CancellationToken.None);

        var live = Assert.Single(await target.Hosting.ListLiveAsync(CancellationToken.None), r => r.Kind == "training-job");
        Assert.Equal(new LiveResource("training-job", job, "InProgress", DateTimeOffset.FromUnixTimeMilliseconds(1_764_288_000_500)), live);
    }

    [Fact]
    public async Task Waiting_on_an_unknown_job_or_invoking_an_unknown_endpoint_is_not_found()
    {
        var log = new RecordingLog();
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), log, moto.Options());
        var job = await Assert.ThrowsAnyAsync<KnnException>(() => target.Trainer.WaitAsync($"knn-missing-{_run}", log, CancellationToken.None));
        Assert.Equal(ExitCodes.NotFound, job.ExitCode);
        Assert.StartsWith("SageMaker DescribeTrainingJob: ", job.Message);
        Assert.Null(await target.Hosting.DescribeEndpointAsync($"knn-missing-{_run}", CancellationToken.None));
    }
}
