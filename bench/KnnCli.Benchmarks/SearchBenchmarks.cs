using BenchmarkDotNet.Attributes;
using KnnCli.Engine;
using KnnCli.Engine.Index;

namespace KnnCli.Benchmarks;

/// <summary>
/// The search kernels on Gaussian-mixture data shaped like the side-by-side runs (100k × 64 and a
/// Fashion-MNIST-sized 60k × 784), 1,000 queries, k = 10. Run:
/// <c>dotnet run -c Release --project bench/KnnCli.Benchmarks -- --filter '*SearchBenchmarks*'</c>
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class SearchBenchmarks
{
    private const int Queries = 1000;
    private const int K = 10;
    private float[] _queries = [];
    private float[] _distances = [];
    private int[] _ids = [];
    private FlatIndex _flat = null!;
    private IvfFlatIndex _ivf = null!;
    private IvfPqIndex _pq = null!;

    [Params("100000x64", "60000x784")]
    public string Shape { get; set; } = "100000x64";

    [GlobalSetup]
    public void Setup()
    {
        var parts = Shape.Split('x');
        var (n, d) = (int.Parse(parts[0]), int.Parse(parts[1]));
        var data = GaussianMixture(n + Queries, d, seed: 42);
        var vectors = data[..(n * d)];
        _queries = data[(n * d)..];
        _distances = new float[Queries * K];
        _ids = new int[Queries * K];
        _flat = new FlatIndex(d, IndexMetric.L2, vectors);
        var nlist = (int)Math.Round(Math.Sqrt(n));
        _ivf = IvfFlatIndex.Train(vectors, d, IndexMetric.L2, nlist, nprobe: 16, seed: 0);
        _pq = IvfPqIndex.Train(vectors, d, nlist, subQuantizers: 16, nprobe: 16, seed: 0);
    }

    [Benchmark(Baseline = true)]
    public void Flat() => _flat.Search(_queries, K, _distances, _ids);

    [Benchmark]
    public void IvfFlatNprobe16() => _ivf.Search(_queries, K, _distances, _ids);

    [Benchmark]
    public void IvfPqNprobe16() => _pq.Search(_queries, K, _distances, _ids);

    /// <summary>Points around 40 centres in a 16-dimensional subspace, plus small noise, like peers_knn.py's generator.</summary>
    internal static float[] GaussianMixture(int rows, int d, int seed)
    {
        var random = new Random(seed);
        var latent = Math.Min(d, 16);
        var centres = new double[40 * latent];
        for (var i = 0; i < centres.Length; i++) centres[i] = Gaussian(random);
        var projection = new double[latent * d];
        for (var i = 0; i < projection.Length; i++) projection[i] = Gaussian(random) / Math.Sqrt(latent);
        var data = new float[rows * d];
        var z = new double[latent];
        for (var r = 0; r < rows; r++)
        {
            var c = random.Next(40);
            for (var l = 0; l < latent; l++) z[l] = centres[c * latent + l] + 0.8 * Gaussian(random);
            for (var t = 0; t < d; t++)
            {
                double sum = 0;
                for (var l = 0; l < latent; l++) sum += z[l] * projection[l * d + t];
                data[r * d + t] = (float)(sum + 0.05 * Gaussian(random));
            }
        }
        return data;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

/// <summary>The classifier vote and the reductions: per-query work outside the search.</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class PredictionBenchmarks
{
    private readonly float[] _labels = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
    private Engine.Reduction.LinearTransform _sign = null!;
    private Engine.Reduction.LinearTransform _fjlt = null!;
    private float[] _rows = [];
    private float[] _reduced = [];

    [GlobalSetup]
    public void Setup()
    {
        _sign = Engine.Reduction.RandomProjection.Sign(784, 64, seed: 1);
        _fjlt = Engine.Reduction.RandomProjection.Fjlt(784, 64, seed: 1);
        _rows = SearchBenchmarks.GaussianMixture(1000, 784, seed: 3);
        _reduced = new float[1000 * 64];
    }

    [Benchmark]
    public float MajorityVoteK10() => KnnModel.MajorityVote(_labels);

    [Benchmark]
    public void SignReduce1000x784To64() => _sign.Apply(_rows, _reduced);

    [Benchmark]
    public void FjltReduce1000x784To64() => _fjlt.Apply(_rows, _reduced);
}
