using System.Text.Json;

namespace KnnCli.Tests;

/// <summary>The reference notebook on the local target, through the real executable, real files and a real server.</summary>
public sealed class LocalWorkflowTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-e2e-").FullName;

    [Fact]
    public async Task Run_reproduces_the_notebook_figures_and_leaves_nothing_running()
    {
        var run = await KnnProcess.RunAsync(_directory, "run");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("Accuracy: 0.9736842105263158 (37 of 38 right)", run.Output);
        Assert.Contains("Macro F1: 0.9717034521788342", run.Output);
        Assert.Contains("#test_score (algo-1) : ('accuracy', 0.9736842105263158)", run.Error);
        Assert.Contains("#quality_metric: host=algo-1, test accuracy <score>=0.9736842105263158", run.Error);
        Assert.Matches(@"endpoint knn-[\d-]+: deleted", run.Output);
        AssertNoServerRunning(run.Error);
    }

    [Fact]
    public async Task Verbs_chain_through_state_without_names()
    {
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "prepare")).ExitCode);
        var upload = await KnnProcess.RunAsync(_directory, "upload", "--json");
        Assert.Equal("s3://knn-local/knn/input/iris_train.csv", JsonDocument.Parse(upload.Output).RootElement.GetProperty("train_uri").GetString());
        var objects = Path.Combine(_directory, ".knn", "store", "objects", "knn-local", "knn", "input");
        Assert.Equal(File.ReadAllBytes(Path.Combine(_directory, ".knn", "data", "iris_train.csv")), File.ReadAllBytes(Path.Combine(objects, "iris_train.csv")));
        Assert.Contains("text/csv", File.ReadAllText(Path.Combine(_directory, ".knn", "store", "metadata", "knn-local", "knn", "input", "iris_train.csv.json")));

        var train = await KnnProcess.RunAsync(_directory, "train", "--k", "3", "--json");
        Assert.True(train.ExitCode == 0, train.Error);
        var trained = JsonDocument.Parse(train.Output).RootElement;
        Assert.Equal("3", trained.GetProperty("hyperparameters").GetProperty("k").GetString());
        Assert.Equal("4", trained.GetProperty("hyperparameters").GetProperty("feature_dim").GetString());
        Assert.InRange(trained.GetProperty("metrics").GetProperty("test:accuracy").GetDouble(), 0.9, 1.0);

        var deploy = await KnnProcess.RunAsync(_directory, "deploy", "--json");
        Assert.True(deploy.ExitCode == 0, deploy.Error);
        var deployed = JsonDocument.Parse(deploy.Output).RootElement;
        var url = deployed.GetProperty("url").GetString()!;
        var serverPid = deployed.GetProperty("server_pid").GetInt32();
        Assert.True(KnnProcess.IsAlive(serverPid));
        Assert.StartsWith("http://127.0.0.1:", url);
        using (var http = new HttpClient())
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(url + "/ping")).StatusCode);

        var predict = await KnnProcess.RunAsync(_directory, "predict", "--json", "--batch-size", "5", "--parallel", "3");
        Assert.True(predict.ExitCode == 0, predict.Error);
        var predicted = JsonDocument.Parse(predict.Output).RootElement;
        Assert.Equal(38, predicted.GetProperty("rows").GetArrayLength());
        Assert.InRange(predicted.GetProperty("accuracy").GetDouble(), 0.9, 1.0);

        var single = await KnnProcess.RunAsync(_directory, "predict", "--rows", "5.1,3.5,1.4,0.2", "--neighbors");
        Assert.True(single.ExitCode == 0, single.Error);
        Assert.Contains("setosa", single.Output);

        var saved = await KnnProcess.RunAsync(_directory, "predict", "--neighbors", "--output", "predictions.jsonl", "--quiet");
        Assert.True(saved.ExitCode == 0, saved.Error);
        var lines = File.ReadAllLines(Path.Combine(_directory, "predictions.jsonl"));
        Assert.Equal(38, lines.Length);
        var first = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal(2.0, first.GetProperty("predicted_label").GetDouble()); // the first test row is virginica
        Assert.Equal(3, first.GetProperty("distances").GetArrayLength());
        Assert.Equal(3, first.GetProperty("labels").GetArrayLength());

        var status = await KnnProcess.RunAsync(_directory, "status");
        Assert.Contains("InService", status.Output);

        var cleanup = await KnnProcess.RunAsync(_directory, "cleanup");
        Assert.True(cleanup.ExitCode == 0, cleanup.Error);
        Assert.Contains(": deleted", cleanup.Output);
        Assert.False(KnnProcess.IsAlive(serverPid), $"knn serve (pid {serverPid}) is still running after cleanup");
        await Assert.ThrowsAsync<HttpRequestException>(async () => await new HttpClient().GetAsync(url + "/ping"));

        var again = await KnnProcess.RunAsync(_directory, "cleanup");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("Nothing to clean up.", again.Output);
    }

    [Theory]
    [InlineData("ragged.csv", "a,b,Species\n1,2,x\n3,4\n", "ragged.csv:3: the row has 2 fields, the header has 3")]
    [InlineData("empty.csv", "", "empty.csv: the file is empty (no header row)")]
    public async Task Prepare_refuses_bad_input_with_one_line_and_exit_code_2(string name, string content, string expected)
    {
        File.WriteAllText(Path.Combine(_directory, name), content);
        var run = await KnnProcess.RunAsync(_directory, "prepare", "--input", name);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: {expected}", run.Error.Trim().Split('\n')[^1]);
        Assert.DoesNotContain("   at ", run.Error); // no stack trace
        Assert.False(Directory.Exists(Path.Combine(_directory, ".knn", "data")));
    }

    [Fact]
    public async Task Invalid_hyperparameters_fail_before_any_job_starts()
    {
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "prepare")).ExitCode);
        var run = await KnnProcess.RunAsync(_directory, "train", "--index-type", "faiss.IVFPQ", "--faiss-index-pq-m", "5");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error: Invalid value '5' for hyperparameter 'faiss_index_pq_m'", run.Error);
        Assert.False(Directory.Exists(Path.Combine(_directory, ".knn", "jobs")));
    }

    [Fact]
    public async Task A_regressor_is_scored_by_mean_squared_error_on_the_test_channel()
    {
        // y = 2x on a grid; 1-NN from the train rows misses each held-out x by one grid step at most.
        var rows = new System.Text.StringBuilder("x,noise,y\n");
        for (var i = 0; i < 40; i++) rows.Append(i).Append(',').Append(i % 2).Append(',').Append(2 * i).Append('\n');
        File.WriteAllText(Path.Combine(_directory, "line.csv"), rows.ToString());
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "prepare", "--input", "line.csv", "--label", "y")).ExitCode);

        var train = await KnnProcess.RunAsync(_directory, "train", "--predictor-type", "regressor", "--k", "1");

        Assert.True(train.ExitCode == 0, train.Error);
        var mse = double.Parse(System.Text.RegularExpressions.Regex.Match(train.Output, @"test:mse = (\S+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(mse, 0.0, 16.0);
        Assert.Contains("#test_score (algo-1) : ('mse', ", train.Error);
        Assert.Contains("#quality_metric: host=algo-1, test mse <loss>=", train.Error);
    }

    [Fact]
    public async Task Dry_run_changes_nothing()
    {
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "prepare")).ExitCode);
        var stateBefore = File.ReadAllText(Path.Combine(_directory, ".knn", "state.json"));

        var upload = await KnnProcess.RunAsync(_directory, "upload", "--dry-run");
        var train = await KnnProcess.RunAsync(_directory, "train", "--dry-run");

        Assert.Equal(0, upload.ExitCode);
        Assert.Equal(0, train.ExitCode);
        Assert.Contains("[dry-run] would run training job", train.Error);
        Assert.False(Directory.Exists(Path.Combine(_directory, ".knn", "store")));
        Assert.False(Directory.Exists(Path.Combine(_directory, ".knn", "jobs")));
        Assert.Equal(stateBefore, File.ReadAllText(Path.Combine(_directory, ".knn", "state.json")));
    }

    [Fact]
    public async Task Ctrl_c_during_training_exits_130_and_leaves_no_model_or_half_state()
    {
        // Big enough that training is still reading when the signal arrives.
        var rows = new System.Text.StringBuilder();
        var random = new Random(1);
        for (var r = 0; r < 400_000; r++)
        {
            rows.Append(r % 3);
            for (var c = 0; c < 32; c++) rows.Append(',').Append(random.Next(1000));
            rows.Append('\n');
        }
        File.WriteAllText(Path.Combine(_directory, "big.csv"), rows.ToString());

        var signalled = await KnnProcess.RunAndInterruptAsync(_directory, "Using per-worker sample size", "train", "--train", "big.csv", "--sample-size", "1000000");

        Assert.Equal(130, signalled.ExitCode);
        Assert.Contains("Cancelled.", signalled.Error);
        var job = Directory.GetFiles(Path.Combine(_directory, ".knn", "jobs"), "*.json").Single();
        Assert.Contains("\"Stopped\"", File.ReadAllText(job));
        Assert.Empty(Directory.GetFiles(Path.Combine(_directory, ".knn", "store"), "model.tar.gz", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(Path.Combine(_directory, ".knn"), "*.tmp", SearchOption.AllDirectories));
        // The state says what happened: the job was stopped and left no model (none older stands in for it).
        var section = StateJson.Target(_directory);
        Assert.Equal("Stopped", section.GetProperty("training_job_status").GetString());
        Assert.False(section.TryGetProperty("model_artifact_uri", out _));
    }

    /// <summary>Every pid a log mentions as "knn serve (pid N)" is gone.</summary>
    private static void AssertNoServerRunning(string log)
    {
        var pids = System.Text.RegularExpressions.Regex.Matches(log, @"knn serve \(pid (\d+)\)").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.NotEmpty(pids);
        foreach (var pid in pids) Assert.False(KnnProcess.IsAlive(pid), $"knn serve (pid {pid}) is still running");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
