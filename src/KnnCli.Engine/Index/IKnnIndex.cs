namespace KnnCli.Engine.Index;

/// <summary>
/// A nearest-neighbour index over float32 vectors, in the spirit of faiss's Index: every index type answers the
/// same batched search. Ids are the positions the vectors were added in, so they index the label array.
/// </summary>
public interface IKnnIndex
{
    int Dimension { get; }

    int Count { get; }

    IndexMetric Metric { get; }

    /// <summary>
    /// Searches <paramref name="queries"/> (row-major, <c>queries.Length / Dimension</c> rows) for the k best
    /// vectors each. Writes k results per query into <paramref name="distances"/> and <paramref name="ids"/>,
    /// best first: smallest squared L2 distance, or largest inner product. Missing results have id -1.
    /// <paramref name="parameters"/> override the index's defaults for this call only.
    /// </summary>
    void Search(ReadOnlySpan<float> queries, int k, Span<float> distances, Span<int> ids, SearchParameters? parameters = null);

    /// <summary>
    /// Builds now what the first large batched search would otherwise build (a flat L2 index's pruning cells), so a
    /// caller can overlap it with reading the queries. Thread-safe; a no-op for most indexes.
    /// </summary>
    void PrepareBatchSearch() { }
}
