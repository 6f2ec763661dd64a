using System.CommandLine;
using System.Text.Json;
using KnnCli.Commands;
using KnnCli.Engine.Tests;
using KnnCli.Targets.SageMaker.Tests.Fixtures;

namespace KnnCli.Tests;

/// <summary>knn run takes every option of the verbs it runs (issue 10, item 4).</summary>
[Collection(MotoCollection.Name)]
public sealed class RunOptionsTests(MotoServer moto) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-run-options-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Run_accepts_every_option_of_prepare_train_deploy_and_predict_by_the_same_definition()
    {
        var root = KnnApp.Build(new KnnServices());
        var run = root.Subcommands.Single(c => c.Name == "run");
        Assert.Equal(run.Options.Count, run.Options.Select(o => o.Name).Distinct().Count());

        var skipped = RunCommand.FromEarlierSteps.ToHashSet();
        var renamed = RunCommand.Renamed.ToDictionary(r => r.Verb, r => r.Run);
        foreach (var verb in new[] { "prepare", "train", "deploy", "predict" })
        {
            foreach (var option in root.Subcommands.Single(c => c.Name == verb).Options)
            {
                if (skipped.Contains(option)) continue;
                var expected = renamed.GetValueOrDefault(option, option);
                Assert.True(run.Options.Contains(expected), $"knn run lacks {verb}'s {option.Name}");
                if (expected != option) Assert.Equal(option.Description, expected.Description);
            }
        }
        Assert.Contains(run.Options, o => o.Name == "--train-instance-type");
        Assert.Contains(run.Options, o => o.Name == "--deploy-instance-count");
    }

    [Fact]
    public async Task Run_passes_hyperparameters_endpoint_and_predict_options_to_its_steps()
    {
        var result = await KnnProcess.RunAsync(_directory,
            "run", "--k", "3", "--sample-size", "100", "--hp", "_seed=7", "--endpoint-name", "run-options-test",
            "--neighbors", "--output", "predictions.jsonl", "--batch-size", "10", "--json");
        Assert.True(result.ExitCode == 0, result.Error);

        var json = JsonDocument.Parse(result.Output).RootElement;
        var hyperparameters = json.GetProperty("train").GetProperty("hyperparameters");
        Assert.Equal("3", hyperparameters.GetProperty("k").GetString());
        Assert.Equal("100", hyperparameters.GetProperty("sample_size").GetString());
        Assert.Equal("7", hyperparameters.GetProperty("_seed").GetString());
        Assert.Equal("run-options-test", json.GetProperty("deploy").GetProperty("endpoint_name").GetString());

        var lines = await File.ReadAllLinesAsync(Path.Combine(_directory, "predictions.jsonl"));
        Assert.Equal(38, lines.Length);
        foreach (var line in lines)
            Assert.Equal(3, JsonDocument.Parse(line).RootElement.GetProperty("labels").GetArrayLength());
    }

    [Fact]
    public async Task Run_on_sagemaker_sends_the_step_instance_types_and_hyperparameters()
    {
        var environment = moto.Environment.ToDictionary(e => e.Key, e => (string?)e.Value);
        environment["KNN_ROLE"] = MotoServer.RoleArn;
        var job = $"knn-run-{Guid.NewGuid():N}"[..20];
        await moto.SeedEndpointResultsAsync(("""{"predictions":[{"predicted_label":0.0}]}""", "application/json"));

        var result = await KnnProcess.RunAsync(_directory, environment,
            "run", "--target", "sagemaker", "--job-name", job, "--k", "5", "--train-instance-type", "ml.c5.xlarge", "--train-instance-count", "1",
            "--deploy-instance-type", "ml.m5.xlarge", "--deploy-instance-count", "2", "--rows", "5.1,3.5,1.4,0.2", "--keep-endpoint", "--yes");
        try
        {
            Assert.True(result.ExitCode == 0, result.Error);
            Assert.Contains("setosa", result.Output);
            var described = JsonDocument.Parse(await DebianPython.RunWithAsync("python3", DebianPython.Script("sagemaker_describe.py"), "boto3 (python3 on PATH)",
                TimeSpan.FromMinutes(1), moto.Url.ToString().TrimEnd('/'), job, job)).RootElement;
            var training = described.GetProperty("training");
            Assert.Equal("ml.c5.xlarge", training.GetProperty("instance_type").GetString());
            Assert.Equal("5", training.GetProperty("hyperparameters").GetProperty("k").GetString());
            var config = described.GetProperty("endpoint_config");
            Assert.Equal("ml.m5.xlarge", config.GetProperty("instance_type").GetString());
            Assert.Equal(2, config.GetProperty("instance_count").GetInt32());
        }
        finally
        {
            Assert.Equal(0, (await KnnProcess.RunAsync(_directory, environment, "cleanup", "--target", "sagemaker")).ExitCode);
        }
    }
}
