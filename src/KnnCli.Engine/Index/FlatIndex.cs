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
        var norms = Metric == IndexMetric.L2 ? LazyInitializer.EnsureInitialized(ref _norms, () => VectorMath.SquaredNorms(_vectors, d)) : null;
        fixed (float* q = queries, db = _vectors, n = norms, dist = distances)
        fixed (int* id = ids)
        {
            ExactSearch.Search(q, nq, d, db, Count, Metric == IndexMetric.L2, n, k, dist, id);
        }
    }
}
