using System.Text.Json;
using KnnCli.Core.Errors;
using KnnCli.Engine.Tests;
using KnnCli.Targets.SageMaker;
using KnnCli.Targets.SageMaker.Tests.Fixtures;

namespace KnnCli.Tests;

/// <summary>
/// knn tune --target sagemaker: its refusals and dry run through the real executable against moto; its runs in this
/// process against moto, with the calls moto lacks (ListTrainingJobsForHyperParameterTuningJob, StopHyperParameterTuningJob)
/// answered by replies checked against the official model.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class TuneSageMakerTests(MotoServer moto) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-tune-sagemaker-").FullName;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Dictionary<string, string?> Environment() => moto.KnnEnvironment($"knn-{_run}");

    private async Task<KnnRun> KnnAsync(params string[] args) => await KnnProcess.RunAsync(_directory, Environment(), args);

    private async Task<string[]> TuningJobsAsync() =>
        JsonSerializer.Deserialize<string[]>(await DebianPython.RunWithAsync("python3", DebianPython.Script("sagemaker_tuning_jobs.py"), "boto3 (python3 on PATH)",
            TimeSpan.FromMinutes(1), moto.Url.ToString().TrimEnd('/')))!;

    private static void AssertRefused(KnnRun run, string expected)
    {
        Assert.True(run.ExitCode == ExitCodes.UsageOrInput, $"exit {run.ExitCode}: {run.Error}");
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains(expected, line);
    }

    [Fact]
    public async Task Refusals_are_one_line_with_exit_2_and_a_dry_run_creates_nothing()
    {
        var job = $"knn-t-{_run}";
        AssertRefused(await KnnAsync("tune", "--max-jobs", "3", "--job-name", job, "--yes"),
            "A tuning job scores each training job on the test channel: upload a test channel: `knn prepare` then `knn upload`.");
        AssertRefused(await KnnAsync("tune", "--job-name", job, "--yes"), "tune --target sagemaker needs --max-jobs N");
        AssertRefused(await KnnAsync("tune", "--max-jobs", "3", "--k", "0..5", "--yes"), "--k 0..5: SageMaker tunes k from 1 to 1,024.");
        AssertRefused(await KnnAsync("tune", "--max-jobs", "3", "--k", "1,3,2000", "--yes"), "--k 1,3,2000: SageMaker tunes k from 1 to 1,024.");
        AssertRefused(await KnnAsync("tune", "--max-jobs", "3", "--sample-size", "100..1000", "--yes"), "--sample-size 100..1000: SageMaker tunes sample_size from 256 to 20,000,000.");
        AssertRefused(await KnnAsync("tune", "--max-jobs", "3", "--k", "5", "--yes"), "Nothing to tune");
        AssertRefused(await KnnAsync("tune", "--max-jobs", "3", "--index-type", "faiss.Flat,faiss.IVFFlat", "--yes"),
            "--index-type faiss.Flat,faiss.IVFFlat: a tuning job tunes k and sample_size only; give one value.");
        AssertRefused(await KnnAsync("tune", "--max-jobs", "3", "--folds", "3", "--stratify", "--yes"), "--folds, --stratify: only for tune on the local target");
        AssertRefused(await KnnAsync("tune", "--max-jobs", "3", "--max-parallel-jobs", "4", "--yes"), "--max-parallel-jobs 4: use 1 to --max-jobs (3).");
        AssertRefused(await KnnAsync("tune", "--max-jobs", "3", "--strategy", "Exhaustive", "--yes"), "--strategy Exhaustive: expected Bayesian, Random, Grid, Hyperband.");
        AssertRefused(await KnnAsync("tune", "--target", "local", "--max-jobs", "3", "--deploy-best"), "--max-jobs, --deploy-best: only for a tuning job (tune --target sagemaker)");

        Assert.Equal(0, (await KnnAsync("prepare")).ExitCode);
        Assert.Equal(0, (await KnnAsync("upload")).ExitCode);
        AssertRefused(await KnnAsync("tune", "--max-jobs", "3", "--job-name", job),
            "tune starts SageMaker instances (tuning job: up to 3 jobs × 1 × ml.m5.large, at most 72 instance-hours (each instance stops within MaxRuntimeInSeconds 86400)): pass --yes to confirm");

        var dryRun = await KnnAsync("tune", "--max-jobs", "3", "--k", "1..20", "--job-name", job, "--dry-run");
        Assert.True(dryRun.ExitCode == 0, dryRun.Error);
        Assert.Contains("would start tuning job: up to 3 jobs × 1 × ml.m5.large, at most 72 instance-hours", dryRun.Error);
        Assert.Contains("SageMaker CreateHyperParameterTuningJob", dryRun.Error);
        Assert.Contains($"Tuning job {job}: InProgress", dryRun.Output);

        Assert.DoesNotContain(job, await TuningJobsAsync());
        Assert.False(StateJson.Target(_directory, "sagemaker").TryGetProperty("tuning_job_name", out _));
    }

    /// <summary>The sagemaker target against moto, its transport checking requests and answering what moto lacks.</summary>
    private async Task<(int Exit, string Output, string Error)> InProcessAsync(RecordedResponses responses, CheckedTransport transport, string[] args, CancellationToken cancellationToken = default)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var environment = Environment();
        var services = new KnnServices
        {
            Output = output, Error = error, WorkingDirectory = _directory, Interactive = false, Environment = environment.GetValueOrDefault,
            TargetOverride = new MotoTargets(() => moto.Options(() => transport.Create(responses.Wrap))),
        };
        var exit = await KnnApp.RunAsync(args, services, cancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    private async Task PrepareAndUploadAsync(RecordedResponses responses, CheckedTransport transport)
    {
        foreach (var verb in new[] { "prepare", "upload" })
        {
            var run = await InProcessAsync(responses, transport, [verb]);
            Assert.True(run.Exit == 0, run.Error);
        }
    }

    [Fact]
    public async Task Tune_prints_the_leaderboard_best_first_records_the_job_and_deploys_the_best_with_deploy_best()
    {
        var transport = new CheckedTransport();
        var responses = new RecordedResponses().Answer("ListTrainingJobsForHyperParameterTuningJob", TuningReplies.List("knn-t",
            ("knn-t-001-aaaa", "Completed", "3", 0.90), ("FakeTrainingJobName", "Completed", "7", 0.97), ("knn-t-003-cccc", "Failed", "20", null)));
        await PrepareAndUploadAsync(responses, transport);

        var human = await InProcessAsync(responses, transport, ["tune", "--k", "1..20", "--max-jobs", "3", "--job-name", $"knn-h-{_run}", "--yes"]);
        Assert.True(human.Exit == 0, human.Error);
        Assert.Contains($"Tuning job knn-h-{_run}: Completed (Bayesian, maximize test:accuracy, 3 of at most 3 training jobs)", human.Output);
        Assert.Contains("Best: FakeTrainingJobName: k=7, sample_size=512: test:accuracy 0.9700", human.Output);
        var rows = human.Output.Split('\n').Where(l => l.Contains("-aaaa", StringComparison.Ordinal) || l.Contains("-cccc", StringComparison.Ordinal) || l.StartsWith("FakeTrainingJobName", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, rows.Length);
        Assert.StartsWith("FakeTrainingJobName", rows[0]);
        Assert.Contains("Training job knn-t-003-cccc (k=20, sample_size=512): Failed, AlgorithmError", human.Error);

        // A regressor minimizes test:mse: the lowest objective leads.
        var regressor = await InProcessAsync(responses, transport, ["tune", "--predictor-type", "regressor", "--k", "1..5", "--max-jobs", "2", "--job-name", $"knn-r-{_run}", "--yes", "--json"]);
        Assert.True(regressor.Exit == 0, regressor.Error);
        Assert.Equal("""{"Type":"Minimize","MetricName":"test:mse"}""",
            transport.LastBody("SageMaker.CreateHyperParameterTuningJob").GetProperty("HyperParameterTuningJobConfig").GetProperty("HyperParameterTuningJobObjective").GetRawText());
        Assert.Equal(["knn-t-001-aaaa", "FakeTrainingJobName", "knn-t-003-cccc"],
            JsonDocument.Parse(regressor.Output).RootElement.GetProperty("training_jobs").EnumerateArray().Select(j => j.GetProperty("job_name").GetString()));

        var job = $"knn-t-{_run}";
        var json = await InProcessAsync(responses, transport, ["tune", "--k", "1..20", "--sample-size", "256,512", "--max-jobs", "3", "--index-metric", "COSINE", "--job-name", job, "--deploy-best", "--yes", "--json"]);
        try
        {
            Assert.True(json.Exit == 0, json.Error);
            Assert.Empty(transport.Violations);
            Assert.Empty(responses.Violations);
            var result = JsonDocument.Parse(json.Output).RootElement;
            Assert.Equal(job, result.GetProperty("tuning_job_name").GetString());
            Assert.Equal("Completed", result.GetProperty("status").GetString());
            Assert.Equal("test:accuracy", result.GetProperty("objective_metric").GetString());
            Assert.Equal(["FakeTrainingJobName", "knn-t-001-aaaa", "knn-t-003-cccc"],
                result.GetProperty("training_jobs").EnumerateArray().Select(j => j.GetProperty("job_name").GetString()));
            var best = result.GetProperty("best");
            Assert.Equal(7, best.GetProperty("k").GetInt32());
            Assert.Equal(512, best.GetProperty("sample_size").GetInt32());
            Assert.Equal(0.97, best.GetProperty("objective_value").GetDouble());
            Assert.Equal("FakeTrainingJobName", result.GetProperty("deploy").GetProperty("endpoint_name").GetString());

            var sent = transport.LastBody("SageMaker.CreateHyperParameterTuningJob");
            Assert.Equal("""{"IntegerParameterRanges":[{"Name":"k","MinValue":"1","MaxValue":"20"}],"CategoricalParameterRanges":[{"Name":"sample_size","Values":["256","512"]}]}""",
                sent.GetProperty("HyperParameterTuningJobConfig").GetProperty("ParameterRanges").GetRawText());
            var statics = sent.GetProperty("TrainingJobDefinition").GetProperty("StaticHyperParameters");
            Assert.Equal("4", statics.GetProperty("feature_dim").GetString());
            Assert.Equal("classifier", statics.GetProperty("predictor_type").GetString());
            Assert.Equal("COSINE", statics.GetProperty("index_metric").GetString());
            Assert.False(statics.TryGetProperty("k", out _));
            Assert.False(statics.TryGetProperty("sample_size", out _));

            var state = StateJson.Target(_directory, "sagemaker");
            Assert.Equal(job, state.GetProperty("tuning_job_name").GetString());
            Assert.Equal("Completed", state.GetProperty("tuning_job_status").GetString());
            Assert.Equal("FakeTrainingJobName", state.GetProperty("training_job_name").GetString());
            Assert.EndsWith($"/knn-{_run}/output/FakeTrainingJobName/output/model.tar.gz", state.GetProperty("model_artifact_uri").GetString());
            Assert.Equal("FakeTrainingJobName", state.GetProperty("endpoint_name").GetString());
        }
        finally
        {
            var cleanup = await InProcessAsync(responses, transport, ["cleanup", "--yes"]);
            Assert.True(cleanup.Exit == 0, cleanup.Error);
        }
    }

    [Fact]
    public async Task A_failed_tuning_job_is_exit_1_with_the_service_s_reason_and_recorded_as_failed()
    {
        var transport = new CheckedTransport();
        var job = $"knn-f-{_run}";
        var responses = TuningReplies.Failed(job, "ClientError: no objective metric matched the logs");
        await PrepareAndUploadAsync(responses, transport);

        var run = await InProcessAsync(responses, transport, ["tune", "--k", "1,3,5", "--max-jobs", "3", "--job-name", job, "--yes"]);

        Assert.Equal(ExitCodes.RemoteFailure, run.Exit);
        Assert.Contains($"error: Tuning job {job} failed: ClientError: no objective metric matched the logs", run.Error);
        Assert.Equal("Failed", StateJson.Target(_directory, "sagemaker").GetProperty("tuning_job_status").GetString());
        Assert.Empty(responses.Violations);
    }

    [Fact]
    public async Task Ctrl_C_stops_the_tuning_job_says_so_and_exits_130()
    {
        var transport = new CheckedTransport();
        var job = $"knn-c-{_run}";
        using var cancel = new CancellationTokenSource();
        var responses = new RecordedResponses()
            .Answer("DescribeHyperParameterTuningJob", call =>
            {
                if (call == 2) cancel.Cancel();
                return TuningReplies.Describe(job, "InProgress", inProgress: 1);
            })
            .Answer("ListTrainingJobsForHyperParameterTuningJob", TuningReplies.List(job))
            .Answer("StopHyperParameterTuningJob", "{}");
        await PrepareAndUploadAsync(responses, transport);

        var run = await InProcessAsync(responses, transport, ["tune", "--k", "1..20", "--max-jobs", "3", "--job-name", job, "--yes"], cancel.Token);

        Assert.Equal(ExitCodes.Cancelled, run.Exit);
        Assert.Contains($"Stopping tuning job {job}…", run.Error);
        Assert.Contains($"Tuning job {job} is stopping, and its running training jobs with it.", run.Error);
        Assert.Equal(1, responses.Calls("StopHyperParameterTuningJob"));
        Assert.Equal($$"""{"HyperParameterTuningJobName":"{{job}}"}""", transport.LastBody("SageMaker.StopHyperParameterTuningJob").GetRawText());
        Assert.Equal("Stopping", StateJson.Target(_directory, "sagemaker").GetProperty("tuning_job_status").GetString());
        Assert.Contains($"Tuning job:     {job} (Stopping)", (await InProcessAsync(responses, transport, ["status"])).Output);

        // As a knn killed mid-wait leaves it: the job still InProgress, and status says how to stop it.
        var path = StateJson.PathIn(_directory);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"tuning_job_status\": \"Stopping\"", "\"tuning_job_status\": \"InProgress\"", StringComparison.Ordinal));
        Assert.Contains($"Tuning job:     {job} (InProgress): still starting training jobs unless stopped: aws sagemaker stop-hyper-parameter-tuning-job --hyper-parameter-tuning-job-name {job}",
            (await InProcessAsync(responses, transport, ["status"])).Output);
    }
}
