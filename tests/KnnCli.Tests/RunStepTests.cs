using System.Text.Json;

namespace KnnCli.Tests;

/// <summary>knn run shows each step as it ends, says what it cleaned up after a failed step, and never touches an endpoint it did not make.</summary>
public sealed class RunStepTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-run-steps-").FullName;

    public void Dispose()
    {
        _ = KnnProcess.RunAsync(_directory, "cleanup").GetAwaiter().GetResult();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Each_steps_result_is_printed_when_the_step_ends_between_the_next_steps_progress_lines()
    {
        // stdout and stderr into one writer, in the order they were written.
        var both = new StringWriter();
        var services = new KnnServices { Output = both, Error = both, WorkingDirectory = _directory, Interactive = false, Environment = _ => null };

        Assert.Equal(0, await KnnApp.RunAsync(["run"], services));

        var text = both.ToString();
        int At(string line) => text.IndexOf(line, StringComparison.Ordinal) is var i and >= 0 ? i : throw new Xunit.Sdk.XunitException($"'{line}' not in:\n{text}");
        Assert.True(At("Train: 112 rows") < At("Uploading "), "prepare's result comes before upload starts");
        Assert.True(At(": Completed") < At("Deploying "), "train's result comes before deploy starts");
        Assert.True(At("Confusion matrix") < At("Stopping the server"), "predict's report comes before cleanup");
    }

    [Fact]
    public async Task A_step_that_fails_after_deploy_is_followed_by_one_line_naming_what_was_cleaned_up()
    {
        var run = await KnnProcess.RunAsync(_directory, "run", "--rows", "1,2");

        Assert.Equal(2, run.ExitCode);
        var lines = run.Error.Trim().Split('\n');
        Assert.Equal("error: --rows: a row has 2 values; the model takes 4 features.", lines[^1]);
        Assert.Matches(@"^warning: predict failed; cleaned up endpoint knn-[0-9-]+, endpoint-config knn-[0-9-]+, model knn-[0-9-]+, so nothing of this run is left running\.$", lines[^2]);
        var status = JsonDocument.Parse((await KnnProcess.RunAsync(_directory, "status", "--json")).Output).RootElement;
        Assert.Equal(0, status.GetProperty("live").GetArrayLength());
    }

    [Fact]
    public async Task Run_with_the_name_of_a_live_endpoint_refuses_before_it_starts_and_leaves_that_endpoint_running()
    {
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "prepare")).ExitCode);
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "train")).ExitCode);
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "deploy", "--endpoint-name", "keep-me")).ExitCode);
        var job = StateJson.Target(_directory).GetProperty("training_job_name").GetString();

        var run = await KnnProcess.RunAsync(_directory, "run", "--endpoint-name", "keep-me");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: Endpoint keep-me already exists (InService); delete it with `knn cleanup --endpoint-name keep-me` or pass another --endpoint-name.", run.Error.Trim());
        Assert.Equal(job, StateJson.Target(_directory).GetProperty("training_job_name").GetString()); // nothing trained
        var live = JsonDocument.Parse((await KnnProcess.RunAsync(_directory, "status", "--json")).Output).RootElement.GetProperty("live");
        Assert.Contains(live.EnumerateArray(), r => r.GetProperty("kind").GetString() == "endpoint" && r.GetProperty("name").GetString() == "keep-me"
            && r.GetProperty("status").GetString() == "InService");
        var status = (await KnnProcess.RunAsync(_directory, "status")).Output;
        Assert.Matches(@"Endpoint keep-me is InService \(up \d+ (s|min)\): a knn serve process holds its port; `knn cleanup --endpoint-name keep-me` deletes it\.", status);
    }

    [Theory]
    [InlineData(45, "45 s")]
    [InlineData(12 * 60 + 5, "12 min")]
    [InlineData(3 * 3600 + 5 * 60, "3 h 5 min")]
    [InlineData(2 * 86400 + 4 * 3600, "2 d 4 h")]
    public void Status_says_a_resources_age_in_the_largest_units(int seconds, string age) =>
        Assert.Equal(age, Commands.StatusCommand.Age(TimeSpan.FromSeconds(seconds)));
}
