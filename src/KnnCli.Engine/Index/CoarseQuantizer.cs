namespace KnnCli.Engine.Index;

/// <summary>
/// An IVF index's quantizer: exact search over the centroids (faiss IndexFlatL2 / IndexFlatIP), so a vector
/// belongs to the list of its nearest centroid and a query visits its nprobe nearest lists.
/// </summary>
internal sealed class CoarseQuantizer
{
    private readonly FlatIndex _centroids;

    public CoarseQuantizer(int dimension, IndexMetric metric, float[] centroids)
    {
        if (centroids.Length == 0 || centroids.Length % dimension != 0)
            throw new ArgumentException($"Centroid data of {centroids.Length} floats is not a positive number of {dimension}-dimensional rows.", nameof(centroids));
        _centroids = new FlatIndex(dimension, metric, centroids);
    }

    public int ListCount => _centroids.Count;

    public int Dimension => _centroids.Dimension;

    /// <summary>A requested nprobe, at least 1, capped at the list count.</summary>
    public int ValidNprobe(int nprobe)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nprobe, 1);
        return Math.Min(nprobe, ListCount);
    }

    public ReadOnlySpan<float> Centroid(int list) => _centroids.Vectors.Slice(list * _centroids.Dimension, _centroids.Dimension);

    /// <summary>The <paramref name="nprobe"/> nearest lists of each query, nearest first.</summary>
    public int[] Probe(ReadOnlySpan<float> queries, int nprobe) => ProbeWithDistances(queries, nprobe).Lists;

    /// <summary>The <paramref name="nprobe"/> nearest lists of each query and the query's distance to each centroid.</summary>
    public (int[] Lists, float[] Distances) ProbeWithDistances(ReadOnlySpan<float> queries, int nprobe)
    {
        var nq = queries.Length / _centroids.Dimension;
        var lists = new int[nq * nprobe];
        var distances = new float[nq * nprobe];
        _centroids.Search(queries, nprobe, distances, lists);
        for (var q = 0; q < nq; q++) FillUnranked(lists.AsSpan(q * nprobe, nprobe));
        return (lists, distances);
    }

    /// <summary>
    /// A query whose distances do not compare (NaN, or infinite from a huge value) ranks fewer than nprobe lists;
    /// the missing slots (-1) get the lowest lists not probed yet, so every probe names a real list, once.
    /// </summary>
    private void FillUnranked(Span<int> probes)
    {
        if (!probes.Contains(-1)) return;
        var next = 0;
        for (var p = 0; p < probes.Length; p++)
        {
            if (probes[p] >= 0) continue;
            while (probes.Contains(next)) next++;
            probes[p] = next++;
        }
    }

    /// <summary>Splits ids 0..count-1 by their list, keeping ascending order within each list.</summary>
    public static int[][] GroupByList(int[] assignment, int listCount)
    {
        var offsets = new int[listCount + 1];
        var ids = new int[assignment.Length];
        ProbeBuckets.Fill(assignment, keysPerQuery: 1, firstQuery: 0, offsets, ids);
        var lists = new int[listCount][];
        for (var l = 0; l < listCount; l++) lists[l] = ids[offsets[l]..offsets[l + 1]];
        return lists;
    }
}
