using System.Text;
using System.Text.Json;
using KnnCli.Core.Targets;
using KnnCli.Engine;
using KnnCli.Targets.SageMaker.Tests.Fixtures;

namespace KnnCli.Targets.SageMaker.Tests;

/// <summary>
/// Hyperparameter tuning jobs against a real moto server (CreateHyperParameterTuningJob, DescribeHyperParameterTuningJob),
/// every request checked against the official model; the calls moto lacks answered by replies checked against the model too.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class TuningTests(MotoServer moto) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("knn-tuning-").FullName;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<(ITarget Target, CheckedTransport Transport, TrainingRequest Training)> StartAsync(RecordedResponses responses, RecordingLog log)
    {
        var transport = new CheckedTransport();
        var target = SageMakerTarget.Create(MotoServer.Settings(), log, moto.Options(() => transport.Create(responses.Wrap)));
        var bucket = await target.GetDefaultBucketAsync(CancellationToken.None);
        await target.Store.EnsureBucketAsync(bucket, CancellationToken.None);
        var prefix = new StoreUri(bucket, $"knn-tune-{_run}");
        var csv = Path.Combine(_folder, "data.csv");
        File.WriteAllText(csv, string.Concat(Enumerable.Range(0, 30).Select(i => $"{i % 3},5.1,3.5,1.4,0.2\n")));
        await target.Store.PutFileAsync(csv, prefix.Append("train/train.csv"), "text/csv", null, CancellationToken.None);
        await target.Store.PutFileAsync(csv, prefix.Append("test/test.csv"), "text/csv", null, CancellationToken.None);
        var training = new TrainingRequest
        {
            JobName = $"knn-tune-{_run}",
            Hyperparameters = KnnHyperparameters.Parse(new Dictionary<string, string>
            {
                ["k"] = "1", ["sample_size"] = "256", ["predictor_type"] = "classifier", ["feature_dim"] = "4", ["index_metric"] = "COSINE",
            }),
            Train = prefix.Append("train/train.csv"),
            Test = prefix.Append("test/test.csv"),
            OutputPath = prefix.Append("output"),
            InstanceType = "ml.c5.xlarge",
            RoleArn = MotoServer.RoleArn,
            Tags = new Dictionary<string, string> { ["project"] = "knn" },
        };
        return (target, transport, training);
    }

    private static TuningRequest Tuning(TrainingRequest training) => new()
    {
        JobName = training.JobName,
        Training = training,
        Parameters = [new("k", IntegerCandidates.Between(1, 20)), new("sample_size", [256, 512, 1024])],
        ObjectiveMetric = "test:accuracy",
        Maximize = true,
        MaxJobs = 3,
        MaxParallelJobs = 2,
    };

    [Fact]
    public async Task The_tuning_job_searches_k_and_sample_size_over_the_training_job_train_would_start_and_ranks_its_jobs()
    {
        var log = new RecordingLog();
        var job = $"knn-tune-{_run}";
        var responses = new RecordedResponses().Answer("ListTrainingJobsForHyperParameterTuningJob", TuningReplies.List(job,
            ("knn-tune-001-aaaa", "Completed", "3", 0.90), ("FakeTrainingJobName", "Completed", "7", 0.97), ("knn-tune-003-cccc", "Failed", "20", null)));
        var (target, transport, training) = await StartAsync(responses, log);
        await using var _ = target;

        var result = await target.Tuner!.TuneAsync(Tuning(training), log, CancellationToken.None);
        // The same request as a training job, for the definition to be compared with.
        await target.Trainer.TrainAsync(training, wait: false, log, CancellationToken.None);

        Assert.Empty(transport.Violations);
        Assert.Empty(responses.Violations);
        var create = transport.LastBody("SageMaker.CreateHyperParameterTuningJob");
        Assert.Equal(job, create.GetProperty("HyperParameterTuningJobName").GetString());
        var config = create.GetProperty("HyperParameterTuningJobConfig");
        Assert.Equal("Bayesian", config.GetProperty("Strategy").GetString());
        Assert.Equal("""{"Type":"Maximize","MetricName":"test:accuracy"}""", config.GetProperty("HyperParameterTuningJobObjective").GetRawText());
        Assert.Equal("""{"MaxNumberOfTrainingJobs":3,"MaxParallelTrainingJobs":2}""", config.GetProperty("ResourceLimits").GetRawText());
        Assert.Equal("""{"IntegerParameterRanges":[{"Name":"k","MinValue":"1","MaxValue":"20"}],"CategoricalParameterRanges":[{"Name":"sample_size","Values":["256","512","1024"]}]}""",
            config.GetProperty("ParameterRanges").GetRawText());

        var definition = create.GetProperty("TrainingJobDefinition");
        var trained = transport.LastBody("SageMaker.CreateTrainingJob");
        foreach (var member in new[] { "AlgorithmSpecification", "RoleArn", "InputDataConfig", "OutputDataConfig", "ResourceConfig", "StoppingCondition" })
            Assert.Equal(trained.GetProperty(member).GetRawText(), definition.GetProperty(member).GetRawText());
        Assert.Equal(trained.GetProperty("Tags").GetRawText(), create.GetProperty("Tags").GetRawText());
        var statics = definition.GetProperty("StaticHyperParameters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        var sent = trained.GetProperty("HyperParameters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(sent.Where(p => p.Key is not ("k" or "sample_size")).OrderBy(p => p.Key), statics.OrderBy(p => p.Key));
        Assert.Equal("COSINE", statics["index_metric"]);
        Assert.Equal("4", statics["feature_dim"]);

        Assert.Equal(TuningStatus.Completed, result.Status);
        Assert.Equal(["FakeTrainingJobName", "knn-tune-001-aaaa", "knn-tune-003-cccc"], result.Jobs.Select(j => j.JobName));
        Assert.Equal("FakeTrainingJobName", result.Best!.JobName);
        Assert.Equal("7", result.Best.TunedHyperparameters["k"]);
        Assert.Equal(0.97, result.Best.Objective);
        Assert.Contains(log.InfoLines, l => l == "Training job knn-tune-003-cccc (k=20, sample_size=512): Failed, AlgorithmError: k is larger than the sample");
        Assert.Contains(log.InfoLines, l => l == "Training job FakeTrainingJobName (k=7, sample_size=512): Completed, objective 0.97");
    }

    [Fact]
    public async Task The_wait_polls_until_the_job_ends_and_logs_each_training_job_once_when_it_ends()
    {
        var log = new RecordingLog();
        var job = $"knn-tune-{_run}";
        var responses = new RecordedResponses()
            // In progress twice, then moto's own answer: Completed.
            .Answer("DescribeHyperParameterTuningJob", call => call <= 2 ? TuningReplies.Describe(job, "InProgress", inProgress: 1) : null)
            .Answer("ListTrainingJobsForHyperParameterTuningJob", call => call == 1
                ? TuningReplies.List(job, ("knn-tune-001-aaaa", "Completed", "3", 0.90), ("FakeTrainingJobName", "InProgress", "7", null))
                : TuningReplies.List(job, ("knn-tune-001-aaaa", "Completed", "3", 0.90), ("FakeTrainingJobName", "Completed", "7", 0.97)));
        var (target, transport, training) = await StartAsync(responses, log);
        await using var _ = target;

        var result = await target.Tuner!.TuneAsync(Tuning(training), log, CancellationToken.None);

        Assert.Empty(transport.Violations);
        Assert.Empty(responses.Violations);
        Assert.Equal(3, responses.Calls("DescribeHyperParameterTuningJob"));
        Assert.Equal(TuningStatus.Completed, result.Status);
        Assert.Single(log.InfoLines, l => l.StartsWith("Training job knn-tune-001-aaaa ", StringComparison.Ordinal));
        Assert.Single(log.InfoLines, l => l.StartsWith("Training job FakeTrainingJobName ", StringComparison.Ordinal));
        Assert.DoesNotContain(log.InfoLines, l => l.Contains("InProgress", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_tuning_job_ends_the_wait_with_the_service_s_reason_and_a_stop_names_the_job()
    {
        var log = new RecordingLog();
        var job = $"knn-tune-{_run}";
        var responses = TuningReplies.Failed(job, "ClientError: the test channel is empty").Answer("StopHyperParameterTuningJob", "{}");
        var (target, transport, training) = await StartAsync(responses, log);
        await using var _ = target;

        var result = await target.Tuner!.TuneAsync(Tuning(training), log, CancellationToken.None);
        await target.Tuner.StopAsync(job, CancellationToken.None);

        Assert.Empty(transport.Violations);
        Assert.Equal(TuningStatus.Failed, result.Status);
        Assert.Equal("ClientError: the test channel is empty", result.FailureReason);
        Assert.Null(result.Best);
        Assert.Equal($$"""{"HyperParameterTuningJobName":"{{job}}"}""", transport.LastBody("SageMaker.StopHyperParameterTuningJob").GetRawText());
    }

    [Fact]
    public async Task A_dry_run_prints_the_tuning_job_and_creates_nothing()
    {
        var log = new RecordingLog();
        var transport = new CheckedTransport();
        await using var target = SageMakerTarget.Create(MotoServer.Settings(dryRun: true), log, moto.Options(() => transport.Create()));
        var training = new TrainingRequest
        {
            JobName = $"knn-dry-{_run}",
            Hyperparameters = new KnnHyperparameters { K = 1, SampleSize = 256, PredictorType = PredictorType.Classifier, FeatureDim = 4 },
            Train = new StoreUri("bucket", "train.csv"),
            Test = new StoreUri("bucket", "test.csv"),
            OutputPath = new StoreUri("bucket", "output"),
            RoleArn = MotoServer.RoleArn,
        };

        var result = await target.Tuner!.TuneAsync(Tuning(training), log, CancellationToken.None);

        Assert.Equal(TuningStatus.InProgress, result.Status);
        Assert.Contains(log.InfoLines, l => l.StartsWith("[dry-run] SageMaker CreateHyperParameterTuningJob", StringComparison.Ordinal) && l.Contains($"knn-dry-{_run}", StringComparison.Ordinal));
        Assert.DoesNotContain(transport.Operations, o => o.Contains("HyperParameterTuningJob", StringComparison.Ordinal));
    }
}
