using KnnCli.Engine.Kernels;

namespace KnnCli.Engine.Index;

/// <summary>
/// Exact search over all vectors (faiss IndexFlatL2 / IndexFlatIP). L2 distances are squared, as faiss reports
/// them. Holds the vectors as given plus, for L2, one squared norm per vector: (d + 1) / d of the raw data.
/// </summary>
public sealed unsafe class FlatIndex : IKnnIndex
{
    private readonly float[] _vectors;
    private float[]? _norms;
    private PrunedFlatSearch? _pruned;
    private object? _prunedLock;

    /// <summary>
    /// From this many vectors and queries on, L2 search goes through <see cref="PrunedFlatSearch"/>: clustering them
    /// costs a few scans' worth once, and on clustered data (most real data) it then skips most of the database.
    /// </summary>
    private const int PruningMinVectors = 50_000;
    private const int PruningMinQueries = 4_096;
    // Once the cells exist even a few hundred queries gain from them (the tail of a scored channel, an endpoint's request).
    private const int PrunedMinQueries = 256;
    private const int PruningKMeansIterations = 8;

    /// <param name="vectors">Row-major vectors; the index keeps this array, it does not copy it.</param>
    public FlatIndex(int dimension, IndexMetric metric, float[] vectors)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (vectors.Length % dimension != 0)
            throw new ArgumentException($"Vector data of {vectors.Length} floats is not a whole number of {dimension}-dimensional rows.", nameof(vectors));
        if (metric == IndexMetric.Cosine)
            throw new ArgumentException("A flat index stores L2 or inner product; cosine is inner product over normalised vectors.", nameof(metric));
        Dimension = dimension;
        Metric = metric;
        _vectors = vectors;
    }

    public int Dimension { get; }

    public int Count => _vectors.Length / Dimension;

    public IndexMetric Metric { get; }

    /// <summary>The stored vectors, row-major.</summary>
    public ReadOnlySpan<float> Vectors => _vectors;

    public void Search(ReadOnlySpan<float> queries, int k, Span<float> distances, Span<int> ids, SearchParameters? parameters = null)
    {
        var d = Dimension;
        var nq = SearchBatch.QueryCount(queries, d, k, distances, ids);
        if (Prunes && (nq >= PruningMinQueries || (Volatile.Read(ref _pruned) is not null && nq >= PrunedMinQueries)))
        {
            PrunedSearch().Search(queries, k, distances, ids);
            return;
        }
        var norms = Metric == IndexMetric.L2 ? LazyInitializer.EnsureInitialized(ref _norms, () => VectorMath.SquaredNorms(_vectors, d)) : null;
        fixed (float* q = queries, db = _vectors, n = norms, dist = distances)
        fixed (int* id = ids)
        {
            ExactSearch.Search(q, nq, d, db, Count, Metric == IndexMetric.L2, n, k, dist, id);
        }
    }

    public void PrepareBatchSearch()
    {
        if (Prunes) PrunedSearch();
    }

    private bool Prunes => Metric == IndexMetric.L2 && Count >= PruningMinVectors;

    /// <summary>
    /// The vectors again, clustered into about √n cells (8 k-means iterations: the cells only need to be compact,
    /// not optimal). Built once, under a lock, so concurrent first searches (an endpoint's parallel requests) do
    /// not each cluster. Doubles the memory.
    /// </summary>
    private PrunedFlatSearch PrunedSearch() => LazyInitializer.EnsureInitialized(ref _pruned, ref _prunedLock, () =>
        PrunedFlatSearch.Build(_vectors, Dimension, cellCount: Math.Clamp((int)Math.Sqrt(Count) / 2, 16, 1024), seed: 0, iterations: PruningKMeansIterations));
}
