using System.Security.Cryptography;
using System.Text.Json;
using KnnCli.Targets.SageMaker.Tests.Fixtures;

namespace KnnCli.Tests;

/// <summary>
/// --dry-run changes nothing, on every verb (issue 9, item 6): the folder's files and bytes are the same before and
/// after, every line printed is marked "[dry-run]", and cleanup lists what it would delete.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class DryRunTests(MotoServer moto) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-dry-run-").FullName;
    private Dictionary<string, string?> _environment = new() { ["KNN_TARGET"] = "local" };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await KnnProcess.RunAsync(_directory, _environment, "cleanup");
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Every file under the folder (the state, the store, the endpoint records and logs) with a hash of its bytes.</summary>
    private Dictionary<string, string> Snapshot() => Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(_directory, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    private async Task<KnnRun> Ok(params string[] args)
    {
        var run = await KnnProcess.RunAsync(_directory, _environment, args);
        Assert.True(run.ExitCode == 0, $"knn {string.Join(' ', args)} exited {run.ExitCode}: {run.Error}");
        return run;
    }

    private static void AssertEveryLineMarked(string[] args, string text)
    {
        foreach (var line in text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0))
            Assert.True(line.StartsWith("[dry-run] ", StringComparison.Ordinal), $"knn {string.Join(' ', args)} printed an unmarked line: {line}");
    }

    /// <summary>The verb run with --dry-run in a folder where everything exists: exit 0, nothing changed, every line marked.</summary>
    private async Task<KnnRun> DryRun(params string[] args)
    {
        var before = Snapshot();
        var run = await Ok([.. args, "--dry-run"]);
        var after = Snapshot();
        Assert.True(before.Count == after.Count && before.All(f => after.TryGetValue(f.Key, out var hash) && hash == f.Value),
            $"knn {string.Join(' ', args)} --dry-run changed the folder: {string.Join(", ", after.Where(f => !before.TryGetValue(f.Key, out var h) || h != f.Value).Select(f => f.Key).Concat(before.Keys.Except(after.Keys)))}");
        // With --json stdout is the one document, marked by its "dry_run" member instead.
        if (!args.Contains("--json")) AssertEveryLineMarked(args, run.Output);
        AssertEveryLineMarked(args, run.Error);
        return run;
    }

    [Fact]
    public async Task Every_verb_on_the_local_target_changes_nothing_and_marks_every_line()
    {
        await Ok("prepare");
        await Ok("upload");
        await Ok("train");
        var deployed = JsonDocument.Parse((await Ok("deploy", "--json")).Output).RootElement;
        var endpoint = deployed.GetProperty("endpoint_name").GetString()!;
        var serverPid = deployed.GetProperty("server_pid").GetInt32();
        await Ok("model", "pull", "--output", "model.tar.gz");
        File.WriteAllText(Path.Combine(_directory, "other.csv"), "a,b,Species\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n");
        File.WriteAllText(Path.Combine(_directory, "rows.csv"), "5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n");

        var prepare = await DryRun("prepare");
        Assert.Contains("[dry-run] would write ", prepare.Error);
        Assert.Contains("Train: 112 rows", prepare.Output);
        await DryRun("prepare", "--input", "other.csv", "--label", "Species");
        Assert.Contains("[dry-run] Would upload", (await DryRun("upload")).Error);
        Assert.Contains("[dry-run] would run training job", (await DryRun("train", "--k", "3", "--job-name", "knn-dry")).Error);
        Assert.Contains("[dry-run] would create model", (await DryRun("deploy", "--endpoint-name", "knn-dry-endpoint")).Error);
        Assert.Contains($"[dry-run] would send 38 row(s) to endpoint {endpoint} in 1 request(s)", (await DryRun("predict")).Error);
        var predict = await DryRun("predict", "--rows", "5.1,3.5,1.4,0.2", "--output", "predictions.csv");
        Assert.Contains("[dry-run] would write the predictions to predictions.csv", predict.Error);
        Assert.Contains("[dry-run] would write predictions for rows.csv to out.jsonl", (await DryRun("transform", "--model", "model.tar.gz", "--input", "rows.csv", "--output", "out.jsonl")).Output);
        Assert.Contains("[dry-run] would set k = 5", (await DryRun("model", "set", "model.tar.gz", "--k", "5")).Error);
        Assert.Contains("[dry-run] would download", (await DryRun("model", "pull", "--output", "pulled.tar.gz")).Error);
        await DryRun("model", "inspect", "model.tar.gz");
        Assert.Contains(endpoint, (await DryRun("status")).Output);
        await DryRun("tune", "--k", "1,3");
        Assert.Contains("[dry-run] would listen on http://127.0.0.1:0", (await DryRun("serve", "--model", "model.tar.gz", "--port", "0", "--log-file", "serve.log")).Error);

        var cleanup = await DryRun("cleanup", "--delete-data");
        Assert.Contains($"[dry-run] endpoint {endpoint}: would be deleted", cleanup.Output);
        Assert.Contains($"[dry-run] model {endpoint}: would be deleted", cleanup.Output);
        Assert.Contains("[dry-run] would delete s3://knn-local/knn/input/iris_train.csv", cleanup.Error);
        Assert.Matches(@"\[dry-run\] data s3://knn-local/knn/input/: [1-9]\d* objects would be deleted", cleanup.Output);
        Assert.True(KnnProcess.IsAlive(serverPid), "a dry-run cleanup stopped the endpoint's server");

        Assert.Contains("[dry-run] would then upload", (await DryRun("run")).Error);

        // --json: the one document says it is a dry run.
        var json = JsonDocument.Parse((await DryRun("cleanup", "--json")).Output).RootElement;
        Assert.True(json.GetProperty("dry_run").GetBoolean());
        Assert.Equal("would be deleted", json.GetProperty("resources")[0].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task A_failing_dry_run_marks_its_error_line_and_changes_nothing()
    {
        File.WriteAllText(Path.Combine(_directory, "one.csv"), "a,b,Species\n1,2,x\n");
        var run = await KnnProcess.RunAsync(_directory, _environment, "prepare", "--input", "one.csv", "--dry-run");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("[dry-run] error: one.csv: 1 data row(s) cannot be split", run.Error);
        Assert.Equal(["one.csv"], Directory.EnumerateFileSystemEntries(_directory).Select(Path.GetFileName));
    }

    [Fact]
    public async Task On_the_sagemaker_target_dry_runs_send_no_change_and_cleanup_lists_what_it_would_delete()
    {
        _environment = moto.Environment.ToDictionary(e => e.Key, e => (string?)e.Value);
        _environment["KNN_TARGET"] = "sagemaker";
        _environment["KNN_ROLE"] = MotoServer.RoleArn;
        var name = $"knn-dry-{Guid.NewGuid():N}"[..20];
        await Ok("prepare");
        await Ok("upload");
        await Ok("train", "--job-name", name, "--yes");
        await Ok("deploy", "--endpoint-name", name, "--yes");

        Assert.Contains("[dry-run] SageMaker CreateTrainingJob", (await DryRun("train", "--job-name", name + "-2")).Error);
        Assert.Contains("[dry-run] SageMaker CreateEndpoint", (await DryRun("deploy", "--endpoint-name", name + "-2")).Error);
        Assert.Contains("[dry-run] Would upload", (await DryRun("upload")).Error);
        var cleanup = await DryRun("cleanup", "--delete-data");
        Assert.Contains("[dry-run] SageMaker DeleteEndpoint", cleanup.Error);
        Assert.Contains($"[dry-run] endpoint {name}: would be deleted", cleanup.Output);
        Assert.Matches(@"\[dry-run\] data s3://[^ ]+/knn/input/: [1-9]\d* objects would be deleted", cleanup.Output);

        var status = await Ok("status");
        Assert.Matches($@"{name}\s+InService", status.Output);
        Assert.DoesNotContain(name + "-2", status.Output);
    }
}
