using System.Text.Json;
using KnnCli.Core.State;

namespace KnnCli.Tests;

/// <summary>knn config: each effective setting, its value and its origin, as the settings resolver chose it (issue 10, item 11).</summary>
public sealed class ConfigTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-config-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string SettingsFile => Path.Combine(_directory, "knn.settings.json");

    /// <summary>knn config --json, as name → (value, source, from).</summary>
    private async Task<Dictionary<string, (string? Value, string Source, string? From)>> ConfigAsync(Dictionary<string, string> environment, params string[] args)
    {
        var knn = new InProcessKnn(_directory, environment);
        Assert.True(await knn.RunAsync(["config", "--json", .. args]) == 0, knn.Error);
        var settings = JsonDocument.Parse(knn.Output).RootElement.GetProperty("settings").EnumerateArray();
        return settings.ToDictionary(s => s.GetProperty("name").GetString()!,
            s => (s.GetProperty("value").GetString(), s.GetProperty("source").GetString()!, s.GetProperty("from").GetString()));
    }

    [Fact]
    public async Task Each_origin_is_shown_and_option_beats_environment_beats_file_beats_state_beats_default()
    {
        var none = new Dictionary<string, string>();
        var config = await ConfigAsync(none);
        Assert.Equal((null, "default", null), config["bucket"]);
        Assert.Equal(("knn", "default", null), config["prefix"]);
        Assert.Equal(("local", "default", null), config["target"]);
        Assert.Equal((Path.Combine(_directory, ".knn"), "default", null), config["state_folder"]);

        await new StateStore(Path.Combine(_directory, ".knn"), "local").UpdateAsync(s => s with { Bucket = "state-bucket", Prefix = "state-prefix" }, CancellationToken.None);
        config = await ConfigAsync(none);
        Assert.Equal(("state-bucket", "state", Path.Combine(_directory, ".knn", "state.json")), config["bucket"]);
        Assert.Equal(("state-prefix", "state", Path.Combine(_directory, ".knn", "state.json")), config["prefix"]);

        await File.WriteAllTextAsync(SettingsFile, """{"bucket": "file-bucket", "target": "sagemaker"}""");
        config = await ConfigAsync(none, "--target", "local");
        Assert.Equal(("file-bucket", "file", SettingsFile), config["bucket"]);
        Assert.Equal(("state-prefix", "state", Path.Combine(_directory, ".knn", "state.json")), config["prefix"]);

        var environment = new Dictionary<string, string> { ["KNN_BUCKET"] = "env-bucket" };
        config = await ConfigAsync(environment, "--target", "local");
        Assert.Equal(("env-bucket", "environment", "KNN_BUCKET"), config["bucket"]);

        config = await ConfigAsync(environment, "--target", "local", "--bucket", "option-bucket");
        Assert.Equal(("option-bucket", "option", "--bucket"), config["bucket"]);
        Assert.Equal(("local", "option", "--target"), config["target"]);
    }

    [Fact]
    public async Task The_environment_variable_named_is_the_one_that_gave_the_value()
    {
        var config = await ConfigAsync(new Dictionary<string, string> { ["AWS_DEFAULT_REGION"] = "eu-west-1", ["KNN_TARGET"] = "sagemaker", ["KNN_SPOT"] = "true" });
        Assert.Equal(("eu-west-1", "environment", "AWS_DEFAULT_REGION"), config["region"]);
        Assert.Equal(("sagemaker", "environment", "KNN_TARGET"), config["target"]);
        Assert.Equal(("true", "environment", "KNN_SPOT"), config["spot"]);
        Assert.Equal(("86400", "default", null), config["max_run"]);

        config = await ConfigAsync(new Dictionary<string, string> { ["AWS_DEFAULT_REGION"] = "eu-west-1", ["AWS_REGION"] = "us-east-2" });
        Assert.Equal(("us-east-2", "environment", "AWS_REGION"), config["region"]);
    }

    [Fact]
    public async Task Tags_are_shown_per_key_with_the_source_that_won_and_an_access_key_is_masked()
    {
        await File.WriteAllTextAsync(SettingsFile, """{"tags": {"team": "ml", "owner": "file"}}""");
        var config = await ConfigAsync(new Dictionary<string, string> { ["KNN_TAGS"] = "stage=dev" }, "--tag", "owner=AKIAABCDEFGHIJKLMNOP");
        Assert.Equal(("ml", "file", SettingsFile), config["tag:team"]);
        Assert.Equal(("dev", "environment", "KNN_TAGS"), config["tag:stage"]);
        Assert.Equal(("AKIA****************", "option", "--tag"), config["tag:owner"]);
    }

    [Fact]
    public async Task The_text_form_names_each_setting_its_value_and_where_it_came_from()
    {
        var knn = new InProcessKnn(_directory, new Dictionary<string, string> { ["KNN_PREFIX"] = "team/knn" });
        Assert.Equal(0, await knn.RunAsync("config", "--region", "eu-central-1"));
        var lines = knn.Output.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("region ", StringComparison.Ordinal) && l.Contains("eu-central-1") && l.TrimEnd().EndsWith("option: --region", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("prefix ", StringComparison.Ordinal) && l.Contains("team/knn") && l.TrimEnd().EndsWith("environment: KNN_PREFIX", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("bucket ", StringComparison.Ordinal) && l.Contains("(not set)") && l.TrimEnd().EndsWith("default", StringComparison.Ordinal));
    }
}
