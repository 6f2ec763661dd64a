using System.Text.Json;
using KnnCli.Targets.SageMaker;
using KnnCli.Targets.SageMaker.Tests.Fixtures;

namespace KnnCli.Tests;

/// <summary>The verbs with --target sagemaker through the real executable, against a real moto server.</summary>
[Collection(MotoCollection.Name)]
public sealed class SageMakerFlowTests(MotoServer moto) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-e2e-sagemaker-").FullName;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Dictionary<string, string?> Environment(params (string Key, string? Value)[] extra)
    {
        var environment = moto.Environment.ToDictionary(e => e.Key, e => (string?)e.Value);
        environment["KNN_TARGET"] = "sagemaker";
        environment["KNN_ROLE"] = MotoServer.RoleArn;
        foreach (var (key, value) in extra) environment[key] = value;
        return environment;
    }

    private async Task<KnnRun> KnnAsync(params string[] args)
    {
        var run = await KnnProcess.RunAsync(_directory, Environment(), args);
        Assert.True(run.ExitCode == 0, $"knn {string.Join(' ', args)} exited {run.ExitCode}: {run.Error}");
        return run;
    }

    [Fact]
    public async Task Prepare_upload_train_deploy_predict_cleanup_on_sagemaker_leave_nothing_live()
    {
        var job = $"knn-e2e-{_run}";
        await KnnAsync("prepare");

        var upload = JsonDocument.Parse((await KnnAsync("upload", "--json")).Output).RootElement;
        Assert.Equal($"s3://sagemaker-us-east-1-{MotoServer.AccountId}/knn/input/iris_train.csv", upload.GetProperty("train_uri").GetString());

        var train = await KnnAsync("train", "--job-name", job, "--yes");
        Assert.Contains($"Training job {job}: Completed", train.Error);
        Assert.Contains($"{job}/output/model.tar.gz", train.Output);

        var deploy = await KnnAsync("deploy", "--endpoint-name", job, "--yes");
        Assert.Contains($"Endpoint {job}: InService", deploy.Output);

        await moto.SeedEndpointResultsAsync(("""{"predictions":[{"predicted_label":0.0}]}""", "application/json"));
        var predict = await KnnAsync("predict", "--rows", "5.1,3.5,1.4,0.2");
        Assert.Contains("setosa", predict.Output);

        var status = await KnnAsync("status");
        Assert.Matches($@"endpoint\s+{job}\s+InService", status.Output);

        var cleanup = await KnnAsync("cleanup", "--delete-data", "--yes");
        Assert.Contains($"endpoint {job}: deleted", cleanup.Output);
        Assert.Contains("2 objects deleted", cleanup.Output);

        Assert.Contains("Nothing live.", (await KnnAsync("status")).Output);
        await using var target = SageMakerTarget.Create(new Core.Settings.CommonSettings { Target = "sagemaker" }, new SilentLog(), moto.Options());
        Assert.DoesNotContain(await target.Hosting.ListLiveAsync(CancellationToken.None), r => r.Name == job);
    }

    [Fact]
    public async Task Predict_against_an_async_endpoint_queues_through_S3_and_prints_the_same_report_as_a_real_time_endpoint()
    {
        var job = $"knn-async-{_run}";
        // Its own bucket: the requests and results it leaves must not count in other tests' cleanup of the shared one.
        var bucket = $"knn-async-{_run}";
        var environment = Environment(("KNN_BUCKET", bucket));
        async Task<KnnRun> KnnAsync(params string[] args)
        {
            var run = await KnnProcess.RunAsync(_directory, environment, args);
            Assert.True(run.ExitCode == 0, $"knn {string.Join(' ', args)} exited {run.ExitCode}: {run.Error}");
            return run;
        }

        await KnnAsync("prepare");
        await KnnAsync("upload");
        await KnnAsync("train", "--job-name", job, "--yes");
        var rows = Path.Combine(_directory, "rows.csv");
        await File.WriteAllTextAsync(rows, "0,5.1,3.5,1.4,0.2\n1,6.4,3.2,4.5,1.5\n2,6.3,3.3,6.0,2.5\n");
        const string answer = """{"predictions":[{"predicted_label":0.0},{"predicted_label":1.0},{"predicted_label":1.0}]}""";

        var deploy = await KnnAsync("deploy", "--endpoint-name", job + "-rt", "--yes");
        Assert.Contains("InService", deploy.Output);
        await moto.SeedEndpointResultsAsync((answer, "application/json"));
        var realTime = await KnnAsync("predict", "--endpoint-name", job + "-rt", "--input", rows);

        var output = $"s3://{bucket}/knn/async-results/{job}";
        var asyncDeploy = JsonDocument.Parse((await KnnAsync("deploy", "--async", "--endpoint-name", job, "--output", output, "--max-concurrent-invocations", "2", "--json", "--yes")).Output).RootElement;
        Assert.Equal(output, asyncDeploy.GetProperty("async_output").GetString());
        Assert.Equal($"s3://{bucket}/knn/async-endpoint-failures/{job}", asyncDeploy.GetProperty("async_failure_output").GetString());
        await moto.SeedAsyncEndpointResultsAsync((answer, false));
        var queued = await KnnAsync("predict", "--endpoint-name", job, "--input", rows);

        Assert.Contains($"requests are stored under s3://{bucket}/knn/async-endpoint-inputs/{job}/", queued.Error);
        Assert.Contains("0.6667", queued.Output);
        Assert.Equal(realTime.Output.Replace(job + "-rt", job, StringComparison.Ordinal), queued.Output);

        // A failure object ends predict with the endpoint's reason and exit code 1.
        await moto.SeedAsyncEndpointResultsAsync(("the model could not read the request", true));
        var failed = await KnnProcess.RunAsync(_directory, environment, "predict", "--endpoint-name", job, "--rows", "1,2,3,4");
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("the model could not read the request", failed.Error);

        await KnnAsync("cleanup", "--endpoint-name", job + "-rt");
        await KnnAsync("cleanup", "--endpoint-name", job, "--delete-data", "--yes");
    }

    [Fact]
    public async Task Async_options_are_checked_before_any_call()
    {
        await KnnAsync("prepare");
        foreach (var (args, expected) in new (string[], string)[]
        {
            (["--output", "s3://b/out"], "--output belongs to an asynchronous endpoint: add --async."),
            (["--async", "--serverless-memory", "2048"], "--async and --serverless-memory exclude each other"),
            (["--async", "--success-topic", "not-an-arn"], "--success-topic not-an-arn: expected an SNS topic ARN"),
            (["--async", "--max-concurrent-invocations", "1001"], "--max-concurrent-invocations 1001: use 1 to 1000."),
            (["--async", "--output", "s3://bucket-only"], "give a key prefix too"),
        })
        {
            var run = await KnnProcess.RunAsync(_directory, Environment(("AWS_ENDPOINT_URL", "http://127.0.0.1:1")), ["deploy", .. args]);
            Assert.Equal(2, run.ExitCode);
            Assert.Contains(expected, run.Error);
        }
    }

    [Fact]
    public async Task Deploy_takes_the_role_train_recorded_and_without_one_is_refused_before_anything_is_recorded_or_created()
    {
        var job = $"knn-role-{_run}";
        await KnnAsync("prepare");
        await KnnAsync("upload");
        var artifact = JsonDocument.Parse((await KnnAsync("train", "--job-name", job, "--yes", "--json")).Output).RootElement.GetProperty("model_artifact").GetString()!;
        var noRole = Environment(("KNN_ROLE", null));

        // Another folder knows no role: refused before the cost line, with nothing recorded or created.
        var elsewhere = Directory.CreateDirectory(Path.Combine(_directory, "elsewhere")).FullName;
        var refused = await KnnProcess.RunAsync(elsewhere, noRole, ["deploy", "--model-data", artifact, "--endpoint-name", job + "-x", "--yes"]);
        Assert.Equal(2, refused.ExitCode);
        Assert.Equal("error: Deploying on SageMaker needs an execution role: pass --role arn:aws:iam::<account>:role/<name>.", refused.Error.Trim());
        Assert.False(File.Exists(Path.Combine(elsewhere, ".knn", "state.json")) && (await File.ReadAllTextAsync(Path.Combine(elsewhere, ".knn", "state.json"))).Contains(job + "-x"));
        await using var target = SageMakerTarget.Create(new Core.Settings.CommonSettings { Target = "sagemaker" }, new SilentLog(), moto.Options());
        Assert.Null(await target.Hosting.DescribeEndpointAsync(job + "-x", CancellationToken.None));

        // The training folder recorded the role train used: deploy takes it from the state, and config says so.
        var config = JsonDocument.Parse((await KnnProcess.RunAsync(_directory, noRole, ["config", "--json"])).Output).RootElement;
        var role = config.GetProperty("settings").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "role");
        Assert.Equal((MotoServer.RoleArn, "state"), (role.GetProperty("value").GetString(), role.GetProperty("source").GetString()));
        var deploy = await KnnProcess.RunAsync(_directory, noRole, ["deploy", "--endpoint-name", job, "--yes"]);
        Assert.True(deploy.ExitCode == 0, deploy.Error);
        Assert.Equal("InService", (await target.Hosting.DescribeEndpointAsync(job, CancellationToken.None))?.Status);
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, noRole, ["cleanup", "--yes"])).ExitCode);
    }

    [Fact]
    public async Task A_dry_run_train_prints_the_request_and_creates_no_job()
    {
        var job = $"knn-dry-{_run}";
        await KnnAsync("prepare");
        var train = await KnnAsync("train", "--dry-run", "--job-name", job);
        Assert.Contains("[dry-run] SageMaker CreateTrainingJob: POST ", train.Error);
        Assert.Contains($"\"TrainingJobName\":\"{job}\"", train.Error);
        Assert.DoesNotContain(MotoServer.SecretAccessKey, train.Error + train.Output);

        await using var target = SageMakerTarget.Create(new Core.Settings.CommonSettings { Target = "sagemaker" }, new SilentLog(), moto.Options());
        var missing = await Assert.ThrowsAnyAsync<Core.Errors.KnnException>(() => target.Trainer.WaitAsync(job, new SilentLog(), CancellationToken.None));
        Assert.Equal(Core.Errors.ExitCodes.NotFound, missing.ExitCode);
    }

    [Fact]
    public async Task A_recognisable_secret_key_appears_in_no_output_log_or_state_file()
    {
        const string secret = "knnFAKEsecret/DoNotPrint+0123456789abcdefXYZ";
        var environment = Environment(("AWS_SECRET_ACCESS_KEY", secret));
        var job = $"knn-secret-{_run}";
        var outputs = new List<string>();
        async Task<KnnRun> Run(params string[] args) => await RunIn(environment, args);
        async Task<KnnRun> RunIn(Dictionary<string, string?> env, params string[] args)
        {
            var run = await KnnProcess.RunAsync(_directory, env, args);
            outputs.Add($"knn {string.Join(' ', args)} -> {run.ExitCode}\n{run.Output}\n{run.Error}");
            return run;
        }

        Assert.Equal(0, (await Run("prepare", "--verbose")).ExitCode);
        Assert.Equal(0, (await Run("upload", "--verbose")).ExitCode);
        Assert.Equal(0, (await Run("train", "--dry-run", "--verbose", "--job-name", job + "-dry")).ExitCode);
        Assert.Equal(0, (await Run("train", "--verbose", "--yes", "--job-name", job)).ExitCode);
        Assert.Equal(0, (await Run("deploy", "--verbose", "--yes", "--endpoint-name", job)).ExitCode);
        Assert.Equal(0, (await Run("status", "--json", "--verbose")).ExitCode);
        // Failures print their own lines (and traces with --verbose): none carries the key either.
        Assert.NotEqual(0, (await RunIn(new(environment) { ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1" }, "status", "--verbose")).ExitCode);
        Assert.NotEqual(0, (await RunIn(new(environment) { ["AWS_ENDPOINT_URL_SAGEMAKER"] = "http://127.0.0.1:1" }, "train", "--verbose", "--yes", "--job-name", job + "-refused")).ExitCode);
        Assert.NotEqual(0, (await Run("train", "--verbose", "--yes", "--role", "arn:aws:iam::123456789012:role/x", "--region", "mars-north-7")).ExitCode);
        Assert.Equal(0, (await Run("cleanup", "--verbose", "--yes", "--delete-data")).ExitCode);

        foreach (var output in outputs) Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        foreach (var part in secret.Split('/', '+')) Assert.All(outputs, o => Assert.DoesNotContain(part, o, StringComparison.Ordinal));
        foreach (var file in Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories))
            Assert.DoesNotContain(secret, await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(_directory, ".knn"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Missing_credentials_are_one_line_and_exit_code_3()
    {
        var run = await KnnProcess.RunAsync(_directory, Environment(("AWS_ACCESS_KEY_ID", null), ("AWS_SECRET_ACCESS_KEY", null), ("AWS_PROFILE", "knn-absent-profile"), ("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(_directory, "none")), ("AWS_CONFIG_FILE", Path.Combine(_directory, "none"))),
            "status");
        Assert.Equal(3, run.ExitCode);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    private sealed class SilentLog : Core.Targets.IWorkflowLog
    {
        public void Info(string message) { }
        public void Verbose(string message) { }
        public void Warn(string message) { }
        public void Log(string line) { }
        public Core.Targets.IProgressReporter Progress(string label, long total) => new NoProgress();

        private sealed class NoProgress : Core.Targets.IProgressReporter
        {
            public void Report(long completed) { }
            public void Dispose() { }
        }
    }
}
