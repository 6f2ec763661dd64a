using System.Text;
using System.Text.Json;
using KnnCli.Core.Targets;
using KnnCli.Engine.ModelFiles;
using KnnCli.Targets.Local;

namespace KnnCli.Tests;

/// <summary>upload --shards and train --instance-count on the local target, which simulates the shards and workers.</summary>
public sealed class MultiInstanceTrainingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-shards-").FullName;
    private readonly InProcessKnn _knn;

    public MultiInstanceTrainingTests() => _knn = new InProcessKnn(_directory, new Dictionary<string, string>());

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Task<int> KnnAsync(params string[] args) => _knn.RunAsync(args);

    private FolderStore Store => new(Path.Combine(_directory, ".knn", "store"));

    private string WriteCsv(string name, int rows, Func<int, string> row)
    {
        var path = Path.Combine(_directory, name);
        var text = new StringBuilder();
        for (var i = 0; i < rows; i++) text.Append(row(i)).Append('\n');
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>The labels of the points the last trained model holds.</summary>
    private async Task<float[]> ModelLabelsAsync()
    {
        var state = StateJson.Target(_directory);
        var artifact = StoreUri.Parse(state.GetProperty("model_artifact_uri").GetString()!);
        await using var stream = await Store.OpenReadAsync(artifact, CancellationToken.None);
        return (await ModelArtifact.ReadAsync(stream, CancellationToken.None)).Labels;
    }

    [Fact]
    public async Task Each_worker_samples_its_share_of_sample_size_from_its_own_shard()
    {
        // Two shards of very different sizes and labels: shard 0 all class 0, shard 1 (three times larger) all class 1.
        await Store.PutFileAsync(WriteCsv("a.csv", 1000, i => $"0,{i % 17},{i % 5}"), StoreUri.Parse("s3://knn-local/shards/part-00000.csv"), "text/csv", null, CancellationToken.None);
        await Store.PutFileAsync(WriteCsv("b.csv", 3000, i => $"1,{i % 13},{i % 7}"), StoreUri.Parse("s3://knn-local/shards/part-00001.csv"), "text/csv", null, CancellationToken.None);

        Assert.Equal(0, await KnnAsync("train", "--train", "s3://knn-local/shards/", "--instance-count", "2", "--sample-size", "101"));
        var labels = await ModelLabelsAsync();
        Assert.Contains("[algo-1] Using per-worker sample size = 51 (number of workers = 2).", _knn.Error);
        Assert.Contains("[algo-2] Using per-worker sample size = 50 (number of workers = 2).", _knn.Error);
        Assert.Equal(101, labels.Length);
        Assert.Equal(51, labels.Count(l => l == 0));
        Assert.Equal(50, labels.Count(l => l == 1));

        // One instance reads both shards and samples 101 points in proportion to the data: about a quarter of class 0.
        Assert.Equal(0, await KnnAsync("train", "--train", "s3://knn-local/shards/", "--sample-size", "101"));
        var single = await ModelLabelsAsync();
        Assert.Equal(101, single.Length);
        Assert.InRange(single.Count(l => l == 0), 10, 40);
    }

    [Fact]
    public async Task Upload_shards_then_train_on_as_many_instances_and_refuse_more_instances_than_shards()
    {
        var train = WriteCsv("train.csv", 3001, i => $"{i % 3},{i % 11}.5,{i % 7}");

        Assert.Equal(0, await KnnAsync("upload", "--train", train, "--shards", "3", "--json"));
        var upload = JsonDocument.Parse(_knn.Output).RootElement;
        Assert.Equal("s3://knn-local/knn/input/train/", upload.GetProperty("train_uri").GetString());
        Assert.Equal(3, upload.GetProperty("train_shards").GetInt32());
        var parts = await Store.ListAsync(StoreUri.Parse("s3://knn-local/knn/input/train/"), CancellationToken.None);
        Assert.Equal(["knn/input/train/part-00000.csv", "knn/input/train/part-00001.csv", "knn/input/train/part-00002.csv"], parts.Select(p => p.Uri.Key));
        var rows = new List<int>();
        foreach (var part in parts)
        {
            await using var stream = await Store.OpenReadAsync(part.Uri, CancellationToken.None);
            rows.Add(new StreamReader(stream).ReadToEnd().Count(c => c == '\n'));
        }
        Assert.Equal([1001, 1000, 1000], rows);
        Assert.False(Directory.Exists(Path.Combine(_directory, ".knn", "scratch")) && Directory.EnumerateFileSystemEntries(Path.Combine(_directory, ".knn", "scratch")).Any());

        Assert.Equal(0, await KnnAsync("train", "--instance-count", "3", "--sample-size", "300"));
        Assert.Contains("[algo-3] Using per-worker sample size = 100 (number of workers = 3).", _knn.Error);

        Assert.Equal(2, await KnnAsync("train", "--instance-count", "4"));
        Assert.Contains("knn upload --shards 4", _knn.Error);

        // Fewer shards now: the earlier upload's extra part must not linger and be trained on.
        Assert.Equal(0, await KnnAsync("upload", "--train", train, "--shards", "2"));
        Assert.Equal(2, (await Store.ListAsync(StoreUri.Parse("s3://knn-local/knn/input/train/"), CancellationToken.None)).Count);
    }

    [Fact]
    public async Task RecordIO_shards_train_the_same_model_as_CSV_shards()
    {
        var train = WriteCsv("rio.csv", 900, i => $"{i % 3},{i % 11}.5,{i % 7}");
        Assert.Equal(0, await KnnAsync("upload", "--train", train, "--shards", "2", "--format", "recordio"));
        var parts = await Store.ListAsync(StoreUri.Parse("s3://knn-local/knn/input/rio/"), CancellationToken.None);
        Assert.Equal(["knn/input/rio/part-00000.pbr", "knn/input/rio/part-00001.pbr"], parts.Select(p => p.Uri.Key));
        Assert.Equal(0, await KnnAsync("train", "--instance-count", "2", "--sample-size", "200"));
        var fromRecordIo = await ModelLabelsAsync();

        Assert.Equal(0, await KnnAsync("upload", "--train", train, "--shards", "2"));
        Assert.Equal(0, await KnnAsync("train", "--train", "s3://knn-local/knn/input/rio/part-0000", "--instance-count", "2", "--sample-size", "200"));
        Assert.Equal(fromRecordIo, await ModelLabelsAsync());
    }

    [Fact]
    public async Task Train_with_a_local_file_and_several_instances_shards_it_itself()
    {
        var train = WriteCsv("big.csv", 400, i => $"{i % 2},{i},{i % 9}");
        Assert.Equal(0, await KnnAsync("train", "--train", train, "--instance-count", "2", "--sample-size", "100"));
        Assert.Equal(2, (await Store.ListAsync(StoreUri.Parse("s3://knn-local/knn/input/big/"), CancellationToken.None)).Count);
        Assert.Contains("[algo-2] Using per-worker sample size = 50 (number of workers = 2).", _knn.Error);
    }

    [Fact]
    public async Task More_shards_than_rows_is_refused_with_the_count_that_works()
    {
        var train = WriteCsv("tiny.csv", 2, i => $"{i},1,2");
        Assert.Equal(2, await KnnAsync("upload", "--train", train, "--shards", "3"));
        Assert.Contains("--shards 2 or fewer", _knn.Error);
    }
}
