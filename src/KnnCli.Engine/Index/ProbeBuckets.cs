namespace KnnCli.Engine.Index;

/// <summary>
/// Queries bucketed by the lists (or cells) they probe, by counting sort: each query has the same number of keys, in
/// a row; bucket k is items[offsets[k] .. offsets[k + 1]], the queries that probe k, in query order.
/// </summary>
internal static class ProbeBuckets
{
    /// <param name="keys">Each query's keys in a row, <paramref name="keysPerQuery"/> per query, each below offsets.Length − 1.</param>
    /// <param name="firstQuery">The number of the first query, so items are query numbers.</param>
    /// <param name="offsets">One more than the number of keys.</param>
    /// <param name="items">As long as <paramref name="keys"/>.</param>
    public static void Fill(ReadOnlySpan<int> keys, int keysPerQuery, int firstQuery, Span<int> offsets, Span<int> items)
    {
        var keyCount = offsets.Length - 1;
        offsets.Clear();
        foreach (var key in keys) offsets[key + 1]++;
        for (var k = 0; k < keyCount; k++) offsets[k + 1] += offsets[k];
        for (var p = 0; p < keys.Length; p++) items[offsets[keys[p]]++] = firstQuery + p / keysPerQuery;
        // Each offsets[k] now ends bucket k; moved up one place, it starts bucket k again.
        for (var k = keyCount; k > 0; k--) offsets[k] = offsets[k - 1];
        offsets[0] = 0;
    }
}
