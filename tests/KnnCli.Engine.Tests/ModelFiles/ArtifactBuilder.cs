using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using KnnCli.Engine.ModelFiles;
using KnnCli.Engine.Training;

namespace KnnCli.Engine.Tests.ModelFiles;

/// <summary>Trained models and hand-made model.tar.gz archives for the artifact tests.</summary>
internal static class ArtifactBuilder
{
    public const int Dimension = 9;

    public static KnnModel Train(IndexType type, DimensionReductionType reduction = DimensionReductionType.None, int count = 600, IndexMetric metric = IndexMetric.L2)
    {
        var vectors = FaissWriteTests.Gaussian(21, count * Dimension);
        var labels = Enumerable.Range(0, count).Select(i => (float)(i % 4)).ToArray();
        var hyperparameters = new KnnHyperparameters
        {
            K = 5, SampleSize = count, PredictorType = PredictorType.Classifier, IndexType = type, IndexMetric = metric,
            DimensionReductionType = reduction, DimensionReductionTarget = reduction == DimensionReductionType.None ? null : 6,
            IvfNlists = 6, PqM = type == IndexType.IvfPq ? 4 : null, Seed = 5,
        };
        return KnnModelBuilder.Build(vectors, labels, Dimension, hyperparameters);
    }

    public static async Task<byte[]> WriteAsync(KnnModel model)
    {
        using var stream = new MemoryStream();
        await ModelArtifact.WriteAsync(stream, model, CancellationToken.None);
        return stream.ToArray();
    }

    /// <summary>The entries of a model.tar.gz, by name.</summary>
    public static async Task<Dictionary<string, byte[]>> EntriesAsync(byte[] artifact)
    {
        var entries = new Dictionary<string, byte[]>();
        await using var gzip = new GZipStream(new MemoryStream(artifact), CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync(copyData: true) is { } entry)
        {
            using var data = new MemoryStream();
            if (entry.DataStream is not null) await entry.DataStream.CopyToAsync(data);
            entries[entry.Name] = data.ToArray();
        }
        return entries;
    }

    /// <summary>A model.tar.gz holding exactly <paramref name="entries"/>.</summary>
    public static byte[] Archive(params (string Name, byte[] Data)[] entries) => Gzip(Tar(entries));

    public static byte[] Tar(params (string Name, byte[] Data)[] entries)
    {
        using var stream = new MemoryStream();
        using (var tar = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, data) in entries)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
        }
        return stream.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        using var stream = new MemoryStream();
        using (var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(data);
        return stream.ToArray();
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static async Task<KnnModel> ReadAsync(byte[] artifact) =>
        await ModelArtifact.ReadAsync(new MemoryStream(artifact, writable: false), CancellationToken.None);

    public static void AssertSamePredictions(KnnModel expected, KnnModel actual, float[] queries)
    {
        var (predictions, distances, labels) = Predict(expected, queries);
        var (actualPredictions, actualDistances, actualLabels) = Predict(actual, queries);
        Assert.Equal(predictions, actualPredictions);
        Assert.Equal(distances, actualDistances);
        Assert.Equal(labels, actualLabels);
    }

    /// <summary>Predictions, neighbour distances and labels for <paramref name="queries"/>.</summary>
    public static (float[] Predictions, float[] Distances, float[] Labels) Predict(KnnModel model, float[] queries)
    {
        var rows = queries.Length / model.FeatureDimension;
        var predictions = new float[rows];
        var distances = new float[rows * model.EffectiveK];
        var labels = new float[distances.Length];
        model.Predict(queries, predictions, distances, labels);
        return (predictions, distances, labels);
    }
}
