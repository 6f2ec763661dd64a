using KnnCli.Engine.Index;

namespace KnnCli.Engine.Tests;

/// <summary>Queries bucketed by the lists they probe: every (query, list) probe lands once, in its list's bucket, in query order.</summary>
public class ProbeBucketsTests
{
    [Theory]
    [InlineData(1, 0, 7)]
    [InlineData(3, 100, 1)]
    [InlineData(8, 5, 64)]
    public void Each_bucket_holds_exactly_the_queries_that_probe_its_list_in_query_order(int keysPerQuery, int firstQuery, int listCount)
    {
        var random = new System.Random(keysPerQuery * 1000 + listCount);
        const int queries = 257;
        var keys = new int[queries * keysPerQuery];
        // Lists 0 and listCount − 1 are left empty when there are enough lists, so empty buckets at both ends are covered.
        for (var p = 0; p < keys.Length; p++) keys[p] = listCount > 2 ? random.Next(1, listCount - 1) : random.Next(listCount);
        var offsets = new int[listCount + 1];
        var items = new int[keys.Length];

        ProbeBuckets.Fill(keys, keysPerQuery, firstQuery, offsets, items);

        Assert.Equal(0, offsets[0]);
        Assert.Equal(keys.Length, offsets[listCount]);
        for (var list = 0; list < listCount; list++)
        {
            var expected = Enumerable.Range(0, keys.Length).Where(p => keys[p] == list).Select(p => firstQuery + p / keysPerQuery);
            Assert.Equal(expected, items[offsets[list]..offsets[list + 1]]);
        }
    }

    [Fact]
    public void Grouping_ids_by_list_keeps_each_list_ascending()
    {
        var lists = CoarseQuantizer.GroupByList([2, 0, 2, 1, 0, 2], 4);
        Assert.Equal([[1, 4], [3], [0, 2, 5], []], lists);
    }
}
