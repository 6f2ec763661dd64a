namespace KnnCli.Engine.Kernels;

/// <summary>What every index's batched search does first: check the arguments, then split the queries over the cores.</summary>
internal static class SearchBatch
{
    /// <summary>The number of queries, after checking k and that the result buffers hold k results per query.</summary>
    public static int QueryCount(ReadOnlySpan<float> queries, int dimension, int k, Span<float> distances, Span<int> ids)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var nq = queries.Length / dimension;
        if (distances.Length < (long)nq * k || ids.Length < (long)nq * k)
            throw new ArgumentException("Result buffers are smaller than queries × k.");
        return nq;
    }

    /// <summary>Runs <paramref name="body"/>(first, last) over one contiguous range of queries per core.</summary>
    public static void ForEachChunk(int queryCount, Action<int, int> body)
    {
        var chunks = Math.Min(queryCount, Environment.ProcessorCount);
        Parallel.For(0, chunks, c => body((int)((long)queryCount * c / chunks), (int)((long)queryCount * (c + 1) / chunks)));
    }
}
