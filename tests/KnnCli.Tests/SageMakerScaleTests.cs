using System.Text;
using System.Text.Json;
using KnnCli.Targets.SageMaker.Tests.Fixtures;

namespace KnnCli.Tests;

/// <summary>The scale-out verbs with --target sagemaker, in process, against a real moto server.</summary>
[Collection(MotoCollection.Name)]
public sealed class SageMakerScaleTests(MotoServer moto) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-scale-sagemaker-").FullName;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private InProcessKnn? _knn;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Output => _knn!.Output;

    private string Error => _knn!.Error;

    private Task<int> KnnAsync(params string[] args)
    {
        var environment = moto.Environment.ToDictionary(e => e.Key, e => e.Value);
        environment["KNN_TARGET"] = "sagemaker";
        environment["KNN_ROLE"] = MotoServer.RoleArn;
        environment["KNN_PREFIX"] = $"knn-{_run}";
        environment["AWS_CONFIG_FILE"] = Path.Combine(_directory, "no-config");
        environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_directory, "no-credentials");
        _knn ??= new InProcessKnn(_directory, environment);
        return _knn.RunAsync(args);
    }

    private string WriteCsv(string name, int rows)
    {
        var path = Path.Combine(_directory, name);
        var text = new StringBuilder();
        for (var i = 0; i < rows; i++) text.Append(i % 3).Append(',').Append(i % 11).Append(".5,").Append(i % 7).Append('\n');
        File.WriteAllText(path, text.ToString());
        return path;
    }

    [Fact]
    public async Task Upload_shards_and_train_on_two_instances()
    {
        var train = WriteCsv("train.csv", 500);
        Assert.True(await KnnAsync("upload", "--train", train, "--shards", "2", "--json") == 0, Error);
        var uri = JsonDocument.Parse(Output).RootElement.GetProperty("train_uri").GetString();
        Assert.Equal($"s3://sagemaker-us-east-1-{MotoServer.AccountId}/knn-{_run}/input/train/", uri);

        Assert.True(await KnnAsync("train", "--instance-count", "2", "--job-name", $"knn-shards-{_run}", "--yes") == 0, Error);
        Assert.Contains($"Training job knn-shards-{_run}: Completed", Output);

        Assert.Equal(2, await KnnAsync("train", "--instance-count", "3", "--yes"));
        Assert.Contains("knn upload --shards 3", Error);
    }
}
