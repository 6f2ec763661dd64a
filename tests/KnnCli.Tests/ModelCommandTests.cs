using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using KnnCli.Engine.ModelFiles;

namespace KnnCli.Tests;

/// <summary>knn model pull / inspect / set through the real executable on the local target.</summary>
public sealed class ModelCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-model-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task PullInspectAndSet_WorkOnTheTrainedArtifact()
    {
        await TrainAsync("--k", "3", "--index-type", "faiss.IVFFlat", "--faiss-index-ivf-nlists", "3", "--dimension-reduction-type", "sign", "--dimension-reduction-target", "3");

        var pull = await KnnProcess.RunAsync(_directory, "model", "pull");
        Assert.True(pull.ExitCode == 0, pull.Error);
        Assert.Contains("Index:           IndexPreTransform (LinearTransform 4→3) over IndexIVFFlat (nlist 3, nprobe 3)", pull.Output);
        Assert.Contains($"Serve it with: knn serve --model {Path.Combine(_directory, "model.tar.gz")}", pull.Output);

        var set = await KnnProcess.RunAsync(_directory, "model", "set", "model.tar.gz", "--k", "7", "--predictor-type", "regressor");
        Assert.True(set.ExitCode == 0, set.Error);
        Assert.Equal(["model.tar.gz"], Directory.GetFiles(_directory).Select(Path.GetFileName)); // no temporary file left

        var inspect = await KnnProcess.RunAsync(_directory, "model", "inspect", "model.tar.gz", "--json");
        Assert.True(inspect.ExitCode == 0, inspect.Error);
        var model = JsonDocument.Parse(inspect.Output).RootElement.GetProperty("model");
        Assert.Equal((4, 3, 112, "L2", 7, "regressor"), (
            model.GetProperty("feature_dim").GetInt32(), model.GetProperty("index_dim").GetInt32(), model.GetProperty("vectors").GetInt32(),
            model.GetProperty("metric").GetString(), model.GetProperty("k").GetInt32(), model.GetProperty("predictor_type").GetString()));
        var labels = model.GetProperty("labels").EnumerateArray().Select(l => (l.GetProperty("label").GetSingle(), l.GetProperty("count").GetInt32())).ToList();
        Assert.Equal([0f, 1f, 2f], labels.Select(l => l.Item1));
        Assert.Equal(112, labels.Sum(l => l.Item2));

        await using var file = File.OpenRead(Path.Combine(_directory, "model.tar.gz"));
        var served = await ModelArtifact.ReadAsync(file, CancellationToken.None);
        Assert.Equal((7, Engine.PredictorType.Regressor, 4), (served.Metadata.K, served.Metadata.Predictor, served.FeatureDimension));
    }

    [Fact]
    public async Task PullingAnArtifactKnnCannotServe_SaysWhatItHolds()
    {
        await TrainAsync("--k", "3");
        var state = StateJson.Target(_directory);
        var uri = new Uri(state.GetProperty("model_artifact_uri").GetString()!);
        var stored = Path.Combine(_directory, ".knn", "store", "objects", uri.Host + uri.AbsolutePath);
        await File.WriteAllBytesAsync(stored, ArtifactWithIndex(Encoding.ASCII.GetBytes("IHNf").Concat(new byte[64]).ToArray()));

        var pull = await KnnProcess.RunAsync(_directory, "model", "pull", "--output", "sagemaker.tar.gz");

        Assert.Equal(2, pull.ExitCode);
        Assert.Contains("is not a readable model artifact: model_algo-1: holds a faiss IndexHNSWFlat ('IHNf'), which knn cannot read", pull.Error);
        Assert.True(File.Exists(Path.Combine(_directory, "sagemaker.tar.gz")));
    }

    [Fact]
    public async Task SetWithNothingToSet_IsAUsageError()
    {
        var set = await KnnProcess.RunAsync(_directory, "model", "set", "model.tar.gz");

        Assert.Equal((2, "error: Nothing to set: give --k and/or --predictor-type.\n"), (set.ExitCode, set.Error));
    }

    private async Task TrainAsync(params string[] hyperparameters)
    {
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "prepare")).ExitCode);
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "upload")).ExitCode);
        var train = await KnnProcess.RunAsync(_directory, ["train", .. hyperparameters]);
        Assert.True(train.ExitCode == 0, train.Error);
    }

    private static byte[] ArtifactWithIndex(byte[] index)
    {
        using var stream = new MemoryStream();
        using (var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var (name, data) in new[] { (ModelArtifact.IndexEntry, index), (ModelArtifact.LabelsEntry, new byte[4]), (ModelArtifact.MetadataEntry, Encoding.UTF8.GetBytes("""{"k": 1, "predictor_type": "classifier"}""")) })
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
        }
        return stream.ToArray();
    }
}
