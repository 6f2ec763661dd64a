using System.Text.Json;
using KnnCli.Core.Errors;
using KnnCli.Core.Workflow;
using KnnCli.Engine.Tests;
using KnnCli.Targets.SageMaker;
using KnnCli.Targets.SageMaker.Tests.Fixtures;

namespace KnnCli.Tests;

/// <summary>
/// Cost guards: on the sagemaker target, anything that starts instances says what starts and the most instance-hours
/// it can bill, then asks on a terminal, proceeds with --yes, and refuses without --yes when there is no terminal.
/// The real executable against moto; the terminal is a real pseudo-terminal (python's pty).
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class CostGuardTests(MotoServer moto) : IDisposable
{
    private const string TrainBound = "training job: 1 × ml.m5.large, at most 24 instance-hours (each instance stops within MaxRuntimeInSeconds 86400)";
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-cost-").FullName;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Dictionary<string, string?> Environment() => moto.KnnEnvironment($"knn-{_run}");

    private async Task<KnnRun> KnnAsync(params string[] args) => await KnnProcess.RunAsync(_directory, Environment(), args);

    private async Task OkAsync(params string[] args)
    {
        var run = await KnnAsync(args);
        Assert.True(run.ExitCode == 0, $"knn {string.Join(' ', args)} exited {run.ExitCode}: {run.Error}");
    }

    private async Task<bool> TrainingJobExistsAsync(string job)
    {
        await using var target = SageMakerTarget.Create(new Core.Settings.CommonSettings { Target = "sagemaker" }, new RecordingLog(), moto.Options());
        try
        {
            await target.Trainer.WaitAsync(job, new RecordingLog(), CancellationToken.None);
            return true;
        }
        catch (KnnException e) when (e.ExitCode == ExitCodes.NotFound)
        {
            return false;
        }
    }

    [Fact]
    public async Task Without_a_terminal_train_and_run_refuse_without_yes_in_one_line_and_start_nothing()
    {
        await OkAsync("prepare");
        await OkAsync("upload");
        var job = $"knn-guard-{_run}";

        var train = await KnnAsync("train", "--job-name", job);
        Assert.Equal(ExitCodes.UsageOrInput, train.ExitCode);
        Assert.Equal($"error: train starts SageMaker instances ({TrainBound}): pass --yes to confirm (there is no terminal to ask on).", FailureLineTests.AssertOneErrorLine(train.Error));
        Assert.False(await TrainingJobExistsAsync(job));

        var state = await File.ReadAllTextAsync(Path.Combine(_directory, ".knn", "state.json"));
        var run = await KnnAsync("run", "--job-name", job, "--train-instance-count", "1", "--deploy-instance-type", "ml.m5.xlarge", "--deploy-instance-count", "2");
        Assert.Equal(ExitCodes.UsageOrInput, run.ExitCode);
        Assert.Equal($"error: run starts SageMaker instances ({TrainBound}; endpoint: 2 × ml.m5.xlarge, no upper bound (run deletes it when predict ends)): pass --yes to confirm (there is no terminal to ask on).",
            FailureLineTests.AssertOneErrorLine(run.Error));
        Assert.False(await TrainingJobExistsAsync(job));
        // Asked before anything else: run did not even prepare the data again.
        Assert.Equal(state, await File.ReadAllTextAsync(Path.Combine(_directory, ".knn", "state.json")));
    }

    [Fact]
    public async Task With_yes_train_prints_its_bound_and_runs_and_deploy_still_asks_for_its_own_instances()
    {
        await OkAsync("prepare");
        await OkAsync("upload");
        var job = $"knn-yes-{_run}";

        var train = await KnnAsync("train", "--job-name", job, "--yes");
        Assert.True(train.ExitCode == 0, train.Error);
        Assert.Contains($"Starting {TrainBound}", train.Error);
        Assert.True(await TrainingJobExistsAsync(job));

        var deploy = await KnnAsync("deploy", "--endpoint-name", job, "--instance-type", "ml.m5.xlarge", "--instance-count", "2");
        Assert.Equal(ExitCodes.UsageOrInput, deploy.ExitCode);
        Assert.Equal("error: deploy starts SageMaker instances (endpoint: 2 × ml.m5.xlarge, no upper bound (it bills until `knn cleanup` deletes it)): pass --yes to confirm (there is no terminal to ask on).",
            FailureLineTests.AssertOneErrorLine(deploy.Error));
        await using var target = SageMakerTarget.Create(new Core.Settings.CommonSettings { Target = "sagemaker" }, new RecordingLog(), moto.Options());
        Assert.Null(await target.Hosting.DescribeEndpointAsync(job, CancellationToken.None));
    }

    [Fact]
    public async Task A_dry_run_shows_the_bound_and_needs_no_confirmation()
    {
        await OkAsync("prepare");
        var train = await KnnAsync("train", "--dry-run", "--instance-type", "ml.c5.2xlarge");
        Assert.True(train.ExitCode == 0, train.Error);
        Assert.Contains("[dry-run] would start training job: 1 × ml.c5.2xlarge, at most 24 instance-hours", train.Error);

        // --max-run is the training job's MaxRuntimeInSeconds, so it is the bound.
        var shorter = await KnnAsync("train", "--dry-run", "--max-run", "5400");
        Assert.True(shorter.ExitCode == 0, shorter.Error);
        Assert.Contains("[dry-run] would start training job: 1 × ml.m5.large, at most 1.5 instance-hours (each instance stops within MaxRuntimeInSeconds 5400)", shorter.Error);
        Assert.Contains("\"MaxRuntimeInSeconds\":5400", shorter.Error);
    }

    [Theory]
    [InlineData("n", ExitCodes.Cancelled)]
    [InlineData("y", ExitCodes.Success)]
    public async Task On_a_terminal_train_shows_the_bound_asks_and_only_yes_starts_the_job(string answer, int exitCode)
    {
        await OkAsync("prepare");
        await OkAsync("upload");
        var job = $"knn-tty-{answer}-{_run}";

        string[] pairs = [.. Environment().Select(e => $"{e.Key}={e.Value}")];
        var terminal = JsonDocument.Parse(await DebianPython.RunWithAsync("python3", DebianPython.Script("pty_answer.py"), "python3 with its pty module",
            TimeSpan.FromMinutes(3), [answer, _directory, .. pairs, "--", "dotnet", Path.Combine(AppContext.BaseDirectory, "knn.dll"), "train", "--job-name", job])).RootElement;

        var output = terminal.GetProperty("output").GetString()!;
        Assert.True(terminal.GetProperty("asked").GetBoolean(), output);
        Assert.Contains(TrainBound, output);
        Assert.Contains("train: start these SageMaker instances? [y/N]", output);
        Assert.True(exitCode == terminal.GetProperty("exit").GetInt32(), output);
        Assert.Contains(answer == "n" ? "train not confirmed: nothing was started." : $"Training job {job}: Completed", output);
        Assert.Equal(answer == "y", await TrainingJobExistsAsync(job));
    }

    [Fact]
    public void The_bound_multiplies_instances_jobs_and_runtime()
    {
        var tuning = new InstanceSpend("tuning job", "ml.m5.large", 2, TimeSpan.FromSeconds(3600), "each training job stops within MaxRuntimeInSeconds 3600", MaxJobs: 10);
        Assert.Equal(20, tuning.MaxInstanceHours);
        Assert.Equal("tuning job: up to 10 jobs × 2 × ml.m5.large, at most 20 instance-hours (each training job stops within MaxRuntimeInSeconds 3600)", tuning.Describe());
        Assert.Null(new InstanceSpend("endpoint", "ml.t2.medium", 1, null, "until deleted").MaxInstanceHours);
        Assert.Equal("transform job: 3 × ml.c5.xlarge, at most 1.5 instance-hours (x)", new InstanceSpend("transform job", "ml.c5.xlarge", 3, TimeSpan.FromMinutes(30), "x").Describe());
    }
}
