using System.Globalization;
using System.Text;
using System.Text.Json;
using KnnCli.Engine.Tests;
using KnnCli.Targets.SageMaker.Tests.Fixtures;

namespace KnnCli.Tests;

/// <summary>
/// Attaching to training jobs (issue 9, items 5 and 10): `knn wait` and `knn logs` on both targets, a job started with
/// --no-wait, and a local job whose knn process was killed (kill -9). Real executable, real files, real moto server.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class JobTests(MotoServer moto) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-jobs-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<KnnRun> KnnAsync(params string[] args)
    {
        var run = await KnnProcess.RunAsync(_directory, args);
        Assert.True(run.ExitCode == 0, $"knn {string.Join(' ', args)} exited {run.ExitCode}: {run.Error}");
        return run;
    }

    private string RecordedStatus(string target = "local") => StateJson.Target(_directory, target).GetProperty("training_job_status").GetString()!;

    [Fact]
    public async Task Logs_and_wait_attach_to_the_last_local_training_job()
    {
        await KnnAsync("prepare");
        await KnnAsync("train", "--job-name", "iris-job");

        var logs = await KnnAsync("logs");
        Assert.Contains("Final configuration: {'k': '1'", logs.Output);
        Assert.Contains("#quality_metric: host=algo-1, test accuracy <score>=", logs.Output);
        var json = JsonDocument.Parse((await KnnAsync("logs", "--json")).Output).RootElement;
        Assert.Equal("iris-job", json.GetProperty("job_name").GetString());
        Assert.Equal(logs.Output.TrimEnd('\n').Split('\n'), json.GetProperty("lines").EnumerateArray().Select(l => l.GetString()));

        var wait = await KnnAsync("wait");
        Assert.Contains("Training job iris-job: Completed", wait.Output);
        Assert.Contains("test:accuracy = ", wait.Output);
        Assert.Contains("iris-job/output/model.tar.gz", wait.Output);

        var missing = await KnnProcess.RunAsync(_directory, "logs", "--job-name", "no-such-job");
        Assert.Equal(4, missing.ExitCode);
        Assert.Equal("error: Training job no-such-job not found.", missing.Error.Trim());
    }

    [Fact]
    public async Task Wait_and_logs_with_no_job_recorded_say_what_to_run()
    {
        foreach (var verb in new[] { "wait", "logs" })
        {
            var run = await KnnProcess.RunAsync(_directory, verb);
            Assert.Equal(2, run.ExitCode);
            Assert.Equal($"error: No training job is recorded here for the local target: run `knn train`, or `knn {verb} --job-name NAME` for a job started elsewhere.", run.Error.Trim());
        }
    }

    [Fact]
    public async Task A_local_job_whose_process_was_killed_is_recorded_failed_by_the_next_wait_and_no_model_stands_in_for_it()
    {
        await KnnAsync("prepare");
        await KnnAsync("train", "--job-name", "old-job");
        var big = Path.Combine(_directory, "big.csv");
        WriteLabelledRows(big, rows: 400_000, features: 16);

        var killed = await KnnProcess.RunAndKillAsync(_directory, "Final configuration", "train", "--train", big, "--sample-size", "400000", "--job-name", "killed-job");
        Assert.Equal(137, killed.ExitCode);

        // The state names the new job (recorded before it started) and no model: the old job's model is not current.
        var section = StateJson.Target(_directory);
        Assert.Equal("killed-job", section.GetProperty("training_job_name").GetString());
        Assert.Equal("InProgress", RecordedStatus());
        Assert.False(section.TryGetProperty("model_artifact_uri", out _));
        var deploy = await KnnProcess.RunAsync(_directory, "deploy");
        Assert.Equal(2, deploy.ExitCode);
        Assert.Contains("Training job killed-job is InProgress: wait for it with `knn wait`, then deploy.", deploy.Error);

        Assert.Contains("Training job:   killed-job (InProgress): `knn wait` attaches to it", (await KnnAsync("status")).Output);
        var wait = await KnnProcess.RunAsync(_directory, "wait");
        Assert.Equal(1, wait.ExitCode);
        Assert.Matches(@"^error: Training job killed-job failed: the knn process \(pid \d+\) training it ended before the job did; run knn train again\s*$", wait.Error);
        Assert.Equal("Failed", RecordedStatus());
        Assert.Contains("Training job:   killed-job (Failed)", (await KnnAsync("status")).Output);
        Assert.Contains("killed-job failed, so it has no model", (await KnnProcess.RunAsync(_directory, "deploy")).Error);
        // The log it wrote before it died is kept.
        Assert.Contains("Final configuration", (await KnnAsync("logs")).Output);
    }

    [Fact]
    public async Task On_sagemaker_wait_attaches_to_a_job_started_with_no_wait_and_logs_reads_its_cloudwatch_streams()
    {
        var job = $"knn-wait-{Guid.NewGuid():N}"[..30];
        var environment = moto.Environment.ToDictionary(e => e.Key, e => (string?)e.Value);
        environment["KNN_TARGET"] = "sagemaker";
        environment["KNN_ROLE"] = MotoServer.RoleArn;
        async Task<KnnRun> SageMakerAsync(int exitCode, params string[] args)
        {
            var run = await KnnProcess.RunAsync(_directory, environment, args);
            Assert.True(run.ExitCode == exitCode, $"knn {string.Join(' ', args)} exited {run.ExitCode}: {run.Error}");
            return run;
        }

        await KnnAsync("prepare");
        await SageMakerAsync(0, "train", "--job-name", job, "--no-wait", "--yes");
        Assert.Equal("InProgress", RecordedStatus("sagemaker"));
        Assert.Contains($"Training job {job} is InProgress: wait for it with `knn wait`", (await SageMakerAsync(2, "deploy", "--yes")).Error);

        var aws = moto.Environment;
        await DebianPython.RunWithAsync("python3", DebianPython.Script("put_training_log.py"), "boto3 (python3 on PATH)", TimeSpan.FromMinutes(1),
            aws["AWS_ENDPOINT_URL"], aws["AWS_ACCESS_KEY_ID"], aws["AWS_SECRET_ACCESS_KEY"], aws["AWS_REGION"], $"{job}/algo-1-1700000000",
            "Final configuration: {'k': '1'}", "#quality_metric: host=algo-1, test accuracy <score>=0.97");
        var logs = await SageMakerAsync(0, "logs");
        Assert.Equal(["Final configuration: {'k': '1'}", "#quality_metric: host=algo-1, test accuracy <score>=0.97"], logs.Output.TrimEnd('\n').Split('\n'));

        var wait = await SageMakerAsync(0, "wait");
        Assert.Contains($"Training job {job}: Completed", wait.Output);
        Assert.Equal("Completed", RecordedStatus("sagemaker"));
        Assert.EndsWith($"{job}/output/model.tar.gz", StateJson.Target(_directory, "sagemaker").GetProperty("model_artifact_uri").GetString());
    }

    /// <summary>A label-first numeric CSV, 10 classes, big enough that sampling it takes a while.</summary>
    private static void WriteLabelledRows(string path, int rows, int features)
    {
        var random = new Random(7);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        var line = new StringBuilder();
        for (var r = 0; r < rows; r++)
        {
            line.Clear().Append(r % 10);
            for (var f = 0; f < features; f++) line.Append(',').Append((random.NextDouble() * 10).ToString("0.###", CultureInfo.InvariantCulture));
            writer.WriteLine(line);
        }
    }
}
