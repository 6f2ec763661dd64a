using System.Text.Json;

namespace KnnCli.Tests;

/// <summary>
/// The state tells the truth about what is live (issue 9, items 3, 4, 5, 7, 10): every endpoint until it is deleted,
/// one section per target, old files migrated, a damaged file one clear line. Real executable, real servers.
/// </summary>
public sealed class StateTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-state-").FullName;

    public void Dispose()
    {
        // Whatever a failed assertion left running goes too.
        KnnProcess.RunAsync(_directory, "cleanup").GetAwaiter().GetResult();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<KnnRun> KnnAsync(params string[] args)
    {
        var run = await KnnProcess.RunAsync(_directory, args);
        Assert.True(run.ExitCode == 0, $"knn {string.Join(' ', args)} exited {run.ExitCode}: {run.Error}");
        return run;
    }

    private async Task TrainAsync()
    {
        await KnnAsync("prepare");
        await KnnAsync("upload");
        await KnnAsync("train");
    }

    private static async Task<bool> PingsAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            return (await http.GetAsync(new Uri($"{url}/ping"))).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private KnnResourceJson[] Resources() =>
        !StateJson.Target(_directory).TryGetProperty("resources", out var resources) ? [] : [.. resources.EnumerateArray().Select(r => new KnnResourceJson(
            r.GetProperty("kind").GetString()!, r.GetProperty("name").GetString()!,
            r.TryGetProperty("url", out var url) ? url.GetString() : null,
            r.TryGetProperty("server_pid", out var pid) ? pid.GetInt32() : null))];

    private sealed record KnnResourceJson(string Kind, string Name, string? Url, int? Pid);

    /// <summary>Holds the state lock as another knn process would: the OS lock on .knn/state.lock and its pid beside it.</summary>
    private FileStream HoldStateLock()
    {
        var path = Path.Combine(_directory, ".knn", "state.lock");
        var held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        File.WriteAllText(path + ".pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return held;
    }

    [Fact]
    public async Task A_second_knn_waits_for_the_state_lock_and_stops_with_the_holders_pid_when_it_is_not_let_go()
    {
        await KnnAsync("prepare");
        var before = File.ReadAllBytes(StateJson.PathIn(_directory));
        KnnRun refused;
        using (HoldStateLock())
            refused = await KnnProcess.RunAsync(_directory, "upload");
        Assert.Equal(2, refused.ExitCode);
        Assert.Equal($"error: another knn (pid {Environment.ProcessId}) is using {Path.Combine(_directory, ".knn")}/ and has not let go of it for 10 s; "
            + "wait for it to finish (or stop it), then run this command again.", refused.Error.Trim().Split('\n')[^1]);
        Assert.Equal(before, File.ReadAllBytes(StateJson.PathIn(_directory)));

        // Let go while the second one waits: it goes on and records its upload.
        Task<KnnRun> waiting;
        using (HoldStateLock())
        {
            waiting = KnnProcess.RunAsync(_directory, "upload");
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.False(waiting.IsCompleted);
        }
        var upload = await waiting;
        Assert.True(upload.ExitCode == 0, upload.Error);
        Assert.EndsWith("iris_train.csv", StateJson.Target(_directory).GetProperty("train_uri").GetString());
    }

    [Fact]
    public async Task Temporary_files_a_killed_knn_left_are_removed_by_the_next_command_and_a_live_writers_are_kept()
    {
        await KnnAsync("prepare");
        using var ended = System.Diagnostics.Process.Start("true")!;
        await ended.WaitForExitAsync();
        var data = Path.Combine(_directory, ".knn", "data");
        var dead = Path.Combine(data, $".iris_train.csv.{ended.Id}.{Guid.NewGuid():N}.tmp");
        var live = Path.Combine(data, $".iris_train.csv.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var notOurs = Path.Combine(data, ".someone-elses.tmp");
        foreach (var file in new[] { dead, live, notOurs }) await File.WriteAllTextAsync(file, "half a write");

        // A dry run leaves even the leftovers alone.
        await KnnAsync("status", "--dry-run");
        Assert.True(File.Exists(dead));

        var status = await KnnAsync("status", "--verbose");
        Assert.False(File.Exists(dead));
        Assert.Contains($"Removed {dead}, left by knn (pid {ended.Id}), which ended in the middle of writing it.", status.Error);
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(notOurs));
    }

    [Fact]
    public async Task Two_deploys_at_once_in_one_folder_both_stay_recorded()
    {
        await TrainAsync();
        var deploys = await Task.WhenAll(
            KnnProcess.RunAsync(_directory, "deploy", "--endpoint-name", "ep-left", "--model-name", "model-left"),
            KnnProcess.RunAsync(_directory, "deploy", "--endpoint-name", "ep-right", "--model-name", "model-right"));
        Assert.All(deploys, d => Assert.True(d.ExitCode == 0, d.Error));
        Assert.Equal(["ep-left", "ep-right", "model-left", "model-right"],
            Resources().Where(r => r.Kind is "endpoint" or "model").Select(r => r.Name).Order());
        var cleanup = await KnnAsync("cleanup");
        Assert.Contains("endpoint ep-left: deleted", cleanup.Output);
        Assert.Contains("endpoint ep-right: deleted", cleanup.Output);
    }

    [Fact]
    public async Task Two_deploys_are_both_remembered_and_cleanup_of_one_leaves_the_other_serving()
    {
        await TrainAsync();
        await KnnAsync("deploy", "--endpoint-name", "ep-one");
        await KnnAsync("deploy", "--endpoint-name", "ep-two");
        var endpoints = Resources().Where(r => r.Kind == "endpoint").ToDictionary(r => r.Name);
        Assert.Equal(["ep-one", "ep-two"], endpoints.Keys.Order());

        var status = await KnnAsync("status");
        Assert.Matches(@"endpoint\s+ep-one\s+InService", status.Output);
        Assert.Matches(@"endpoint\s+ep-two\s+InService", status.Output);
        Assert.Contains($"ep-two: export AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME={endpoints["ep-two"].Url}", status.Output);

        var one = await KnnAsync("cleanup", "--endpoint-name", "ep-one");
        Assert.Contains("endpoint ep-one: deleted", one.Output);
        Assert.Contains("endpoint-config ep-one: deleted", one.Output);
        // The model both configs name stays while ep-two uses it.
        Assert.DoesNotContain("model ", one.Output);
        Assert.False(KnnProcess.IsAlive(endpoints["ep-one"].Pid!.Value));
        Assert.True(await PingsAsync(endpoints["ep-two"].Url!));
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "predict", "--endpoint-name", "ep-two")).ExitCode);
        Assert.DoesNotMatch(@"endpoint\s+ep-one", (await KnnAsync("status")).Output);

        var rest = await KnnAsync("cleanup");
        Assert.Contains("endpoint ep-two: deleted", rest.Output);
        Assert.Matches(@"model knn-[\d-]+: deleted", rest.Output);
        Assert.False(KnnProcess.IsAlive(endpoints["ep-two"].Pid!.Value));
        Assert.Empty(Resources());
        Assert.Contains("Nothing live.", (await KnnAsync("status")).Output);
        Assert.Contains("Nothing to clean up.", (await KnnAsync("cleanup")).Output);
    }

    [Fact]
    public async Task A_second_run_with_keep_endpoint_keeps_the_first_endpoint_recorded()
    {
        await KnnAsync("run", "--keep-endpoint", "--endpoint-name", "run-one");
        await KnnAsync("run", "--keep-endpoint", "--endpoint-name", "run-two");
        var status = await KnnAsync("status");
        Assert.Matches(@"endpoint\s+run-one\s+InService", status.Output);
        Assert.Matches(@"endpoint\s+run-two\s+InService", status.Output);
        var cleanup = await KnnAsync("cleanup");
        Assert.Contains("endpoint run-one: deleted", cleanup.Output);
        Assert.Contains("endpoint run-two: deleted", cleanup.Output);
        Assert.Contains("Nothing live.", (await KnnAsync("status")).Output);
    }

    [Fact]
    public async Task Each_target_has_its_own_section_and_the_target_is_never_taken_from_state()
    {
        await TrainAsync();
        // A sagemaker command that fails (no region here) records nothing, and the next plain command is local again.
        var sagemaker = await KnnProcess.RunAsync(_directory, new Dictionary<string, string?> { ["AWS_REGION"] = null, ["AWS_DEFAULT_REGION"] = null }, "status", "--target", "sagemaker");
        Assert.Equal(3, sagemaker.ExitCode);
        var plain = await KnnAsync("status");
        Assert.Contains("Target: local", plain.Output);

        var root = JsonDocument.Parse(File.ReadAllText(StateJson.PathIn(_directory))).RootElement;
        Assert.Equal(2, root.GetProperty("version").GetInt32());
        Assert.Equal(["local"], root.GetProperty("targets").EnumerateObject().Select(p => p.Name));
        Assert.Equal("s3://knn-local/knn/input/iris_train.csv", StateJson.Target(_directory).GetProperty("train_uri").GetString());
        Assert.EndsWith("iris_train.csv", StateJson.Prepared(_directory).GetProperty("train_file").GetString());
    }

    [Fact]
    public async Task A_state_file_of_the_first_layout_migrates_and_its_endpoint_stays_recorded()
    {
        await TrainAsync();
        await KnnAsync("deploy", "--endpoint-name", "old-layout");
        var section = StateJson.Target(_directory);
        var prepared = StateJson.Prepared(_directory);
        // The layout before sections: one flat object naming its target, the endpoint in plain fields.
        var flat = new Dictionary<string, object?>
        {
            ["target"] = "local",
            ["train_file"] = prepared.GetProperty("train_file").GetString(),
            ["test_file"] = prepared.GetProperty("test_file").GetString(),
            ["label_map_file"] = prepared.GetProperty("label_map_file").GetString(),
            ["bucket"] = "knn-local",
            ["prefix"] = "knn",
            ["model_artifact_uri"] = section.GetProperty("model_artifact_uri").GetString(),
            ["model_name"] = section.GetProperty("model_name").GetString(),
            ["endpoint_config_name"] = "old-layout",
            ["endpoint_name"] = "old-layout",
            ["endpoint_url"] = section.GetProperty("endpoint_url").GetString(),
            ["server_pid"] = section.GetProperty("server_pid").GetInt32(),
        };
        File.WriteAllText(StateJson.PathIn(_directory), JsonSerializer.Serialize(flat));

        Assert.Matches(@"endpoint\s+old-layout\s+InService", (await KnnAsync("status")).Output);
        var cleanup = await KnnAsync("cleanup");
        Assert.Contains("endpoint old-layout: deleted", cleanup.Output);
        Assert.Contains("Nothing live.", (await KnnAsync("status")).Output);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"version\": 2, \"targets\": {\"local\": ")]
    public async Task A_damaged_state_file_gives_one_line_and_the_way_out(string content)
    {
        Directory.CreateDirectory(Path.Combine(_directory, ".knn"));
        File.WriteAllText(StateJson.PathIn(_directory), content);
        var status = await KnnProcess.RunAsync(_directory, "status");
        Assert.Equal(2, status.ExitCode);
        var line = Assert.Single(status.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("state.json is damaged", line);
        Assert.Contains("knn cleanup --all", line);
        Assert.Equal(content, File.ReadAllText(StateJson.PathIn(_directory)));
    }

    [Fact]
    public async Task Delete_data_asks_first_and_keeps_the_trained_models_unless_told()
    {
        await TrainAsync();
        var objects = Path.Combine(_directory, ".knn", "store", "objects", "knn-local", "knn");
        var refused = await KnnProcess.RunAsync(_directory, "cleanup", "--delete-data");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("pass --yes", refused.Error);
        Assert.True(File.Exists(Path.Combine(objects, "input", "iris_train.csv")));

        var deleted = await KnnAsync("cleanup", "--delete-data", "--yes");
        Assert.Contains("s3://knn-local/knn/input/: 2 objects deleted", deleted.Output);
        Assert.False(Directory.Exists(Path.Combine(objects, "input")) && Directory.EnumerateFiles(Path.Combine(objects, "input")).Any());
        Assert.Single(Directory.GetFiles(Path.Combine(objects, "output"), "model.tar.gz", SearchOption.AllDirectories));
        // The model is still there, so deploy still works.
        await KnnAsync("deploy", "--endpoint-name", "after-delete-data");
        await KnnAsync("cleanup");

        var all = await KnnAsync("cleanup", "--delete-data", "--include-models", "--yes");
        Assert.Contains("s3://knn-local/knn/output/: 1 objects deleted", all.Output);
        Assert.Empty(Directory.GetFiles(objects, "*", SearchOption.AllDirectories));
        var deploy = await KnnProcess.RunAsync(_directory, "deploy");
        Assert.Equal(2, deploy.ExitCode);
        Assert.Contains("No trained model", deploy.Error);
    }

    [Theory]
    [InlineData("InProgress", "is InProgress")]
    [InlineData("Failed", "failed, so it has no model")]
    [InlineData("Stopped", "was stopped before it made a model")]
    public async Task Deploy_refuses_when_the_latest_job_has_no_model_and_never_falls_back_to_an_older_one(string status, string expected)
    {
        await TrainAsync();
        // What `train --no-wait`, a failed job or a stopped job records: the new job, no model.
        var path = StateJson.PathIn(_directory);
        var root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        var local = root["targets"]!["local"]!.AsObject();
        local["training_job_name"] = "newer-job";
        local["training_job_status"] = status;
        local.Remove("model_artifact_uri");
        File.WriteAllText(path, root.ToJsonString());

        var deploy = await KnnProcess.RunAsync(_directory, "deploy");
        Assert.Equal(2, deploy.ExitCode);
        Assert.Contains($"Training job newer-job {expected}", deploy.Error);
        Assert.Empty(Resources());
    }
}
