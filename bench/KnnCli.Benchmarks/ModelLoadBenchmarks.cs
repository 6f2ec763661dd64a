using BenchmarkDotNet.Attributes;
using KnnCli.Engine;
using KnnCli.Engine.Index;
using KnnCli.Engine.ModelFiles;

namespace KnnCli.Benchmarks;

/// <summary>
/// Loading model.tar.gz (gunzip, untar, parse faiss's format) for a flat index of 200,000 × 64 floats (51 MB of
/// vectors). The memory diagnoser shows what a load allocates: the vectors once, plus buffers.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class ModelLoadBenchmarks
{
    private const int Count = 200_000;
    private const int Dimension = 64;
    private byte[] _artifact = [];
    private byte[] _index = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new System.Random(1);
        var vectors = new float[Count * Dimension];
        for (var i = 0; i < vectors.Length; i++) vectors[i] = (float)random.NextDouble();
        var labels = Enumerable.Range(0, Count).Select(i => (float)(i % 7)).ToArray();
        var metadata = new ModelMetadata { K = 5, PredictorType = "classifier", FeatureDim = Dimension };
        var model = new KnnModel(new FlatIndex(Dimension, IndexMetric.L2, vectors), labels, metadata);
        using var artifact = new MemoryStream();
        ModelArtifact.WriteAsync(artifact, model, CancellationToken.None).GetAwaiter().GetResult();
        _artifact = artifact.ToArray();
        using var index = new MemoryStream();
        FaissIndexFormat.WriteAsync(index, new FaissFlatData(Dimension, IndexMetric.L2, vectors), CancellationToken.None).GetAwaiter().GetResult();
        _index = index.ToArray();
    }

    /// <summary>The whole artifact, as `knn serve` loads it.</summary>
    [Benchmark]
    public Task<KnnModel> LoadArtifact() => ModelArtifact.ReadAsync(new MemoryStream(_artifact, writable: false), CancellationToken.None);

    /// <summary>model_algo-1 alone, already decompressed: the parser's own cost.</summary>
    [Benchmark]
    public Task<FaissIndexData> ParseIndex() => FaissIndexFormat.ReadAsync(new MemoryStream(_index, writable: false), _index.Length, "model_algo-1", CancellationToken.None);
}
