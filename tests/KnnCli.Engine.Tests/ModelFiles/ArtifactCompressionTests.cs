using System.Diagnostics;
using KnnCli.Engine.Index;
using KnnCli.Engine.ModelFiles;

namespace KnnCli.Engine.Tests.ModelFiles;

/// <summary>
/// model.tar.gz deflates what deflate shrinks and stores what it cannot (noisy float32 features): either way it
/// stays a gzip tar that GNU tar lists and knn reads back exactly.
/// </summary>
public sealed class ArtifactCompressionTests : IDisposable
{
    private const int Dimension = 16, Count = 40_000;
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-artifact-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task NoisyFeaturesAreStored_AndReadBackExactly()
    {
        var vectors = TestData.Gaussian(Count, Dimension, 21);
        var (bytes, read) = await RoundTripAsync(vectors);
        // Stored: the entries' bytes (index, labels, metadata) plus tar headers and 5 bytes per 64 KB block, no more.
        const long entries = Count * Dimension * 4L + Count * 4L;
        Assert.InRange(bytes, entries, entries + 16 * 1024);
        Assert.Equal(vectors, ((FlatIndex)read.Index).Vectors.ToArray());
    }

    [Fact]
    public async Task SmallIntegerFeaturesAreDeflated_AndReadBackExactly()
    {
        var random = new System.Random(22);
        var vectors = Enumerable.Range(0, Count * Dimension).Select(_ => (float)random.Next(4)).ToArray();
        var (bytes, read) = await RoundTripAsync(vectors);
        Assert.True(bytes < Count * Dimension * 4L / 3, $"{bytes} bytes: pixel-like features were not deflated.");
        Assert.Equal(vectors, ((FlatIndex)read.Index).Vectors.ToArray());
    }

    private async Task<(long Bytes, KnnModel Read)> RoundTripAsync(float[] vectors)
    {
        var labels = Enumerable.Range(0, Count).Select(i => (float)(i % 2)).ToArray();
        var hyperparameters = new KnnHyperparameters { K = 3, SampleSize = Count, PredictorType = PredictorType.Classifier };
        var model = Training.KnnModelBuilder.Build(vectors, labels, Dimension, hyperparameters);
        var path = Path.Combine(_directory, "model.tar.gz");
        await using (var file = File.Create(path)) await ModelArtifact.WriteAsync(file, model, CancellationToken.None);

        using var tar = Process.Start(new ProcessStartInfo("tar", ["-tzf", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var listing = await tar.StandardOutput.ReadToEndAsync();
        await tar.WaitForExitAsync();
        Assert.True(tar.ExitCode == 0, await tar.StandardError.ReadToEndAsync());
        Assert.Equal([ModelArtifact.IndexEntry, ModelArtifact.LabelsEntry, ModelArtifact.MetadataEntry], listing.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        await using var source = File.OpenRead(path);
        return (new FileInfo(path).Length, await ModelArtifact.ReadAsync(source, CancellationToken.None));
    }
}
