using KnnCli.Engine.Kernels;

namespace KnnCli.Engine.Index;

/// <summary>Exact search over all vectors (faiss IndexFlatL2 / IndexFlatIP). L2 distances are squared, as faiss reports them.</summary>
public sealed class FlatIndex : IKnnIndex
{
    private readonly float[] _vectors;

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

    public void Search(ReadOnlySpan<float> queries, int k, Span<float> distances, Span<int> ids)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var d = Dimension;
        var nq = queries.Length / d;
        if (distances.Length < nq * k || ids.Length < nq * k)
            throw new ArgumentException("Result buffers are smaller than queries × k.");
        var n = Count;
        var innerProduct = Metric == IndexMetric.InnerProduct;
        for (var q = 0; q < nq; q++)
        {
            var query = queries.Slice(q * d, d);
            var heap = new TopK(distances.Slice(q * k, k), ids.Slice(q * k, k));
            for (var i = 0; i < n; i++)
            {
                var row = _vectors.AsSpan(i * d, d);
                var score = innerProduct ? -Dot(query, row) : SquaredDistance(query, row);
                if (score <= heap.Threshold) heap.Push(score, i);
            }
            heap.SortAndPad();
            if (innerProduct)
            {
                var results = distances.Slice(q * k, k);
                for (var j = 0; j < k; j++) results[j] = -results[j];
            }
        }
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    private static float SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            var diff = a[i] - b[i];
            sum += diff * diff;
        }
        return sum;
    }
}
