using KnnCli.Engine.Index;

namespace KnnCli.Engine.Tests;

public class FlatIndexTests
{
    // Sizes chosen to cross every boundary of the kernel: dimensions that are not a multiple of the SIMD width,
    // database counts that are not a multiple of the 8-row tile, query counts over several 16-query groups and
    // 256-query blocks (so the parallel path runs), and k above and below the tile.
    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(3, 37, 5, 4)]
    [InlineData(17, 1003, 300, 10)]
    [InlineData(64, 2000, 530, 10)]
    [InlineData(100, 517, 33, 50)]
    public void L2SearchFindsTheNaiveReferenceNeighboursAndDistances(int d, int n, int nq, int k) =>
        AssertMatchesReference(d, n, nq, k, IndexMetric.L2, seed: d * 1000 + n);

    [Theory]
    [InlineData(5, 101, 40, 3)]
    [InlineData(32, 1500, 270, 10)]
    public void InnerProductSearchFindsTheNaiveReferenceNeighboursAndScores(int d, int n, int nq, int k) =>
        AssertMatchesReference(d, n, nq, k, IndexMetric.InnerProduct, seed: d * 1000 + n);

    [Fact]
    public void MissingResultsArePaddedWhenKExceedsTheIndex()
    {
        var index = new FlatIndex(2, IndexMetric.L2, [0, 0, 3, 4]);
        var distances = new float[4];
        var ids = new int[4];
        index.Search([0, 0], 4, distances, ids);
        Assert.Equal([0, 1, -1, -1], ids);
        Assert.Equal([0f, 25f, float.PositiveInfinity, float.PositiveInfinity], distances);
    }

    [Fact]
    public void EqualDistancesRankTheSmallerIdFirst()
    {
        // Four copies of the same point: every distance ties, so ids must come out in order.
        var index = new FlatIndex(3, IndexMetric.L2, [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
        var distances = new float[3];
        var ids = new int[3];
        index.Search([0, 0, 0], 3, distances, ids);
        Assert.Equal([0, 1, 2], ids);
    }

    [Fact]
    public void TheIndexKeepsTheCallersArrayAndAddsOneNormPerVector()
    {
        var vectors = TestData.Gaussian(1000, 16, 1);
        var index = new FlatIndex(16, IndexMetric.L2, vectors);
        Assert.True(index.Vectors == vectors.AsSpan()); // no copy of the data
        index.Search(vectors.AsSpan(0, 16), 1, new float[1], new int[1]);
        Assert.Equal(1000 * 16, index.Vectors.Length);
    }

    private static void AssertMatchesReference(int d, int n, int nq, int k, IndexMetric metric, int seed)
    {
        var database = TestData.Gaussian(n, d, seed);
        var queries = TestData.Gaussian(nq, d, seed + 1);
        var index = new FlatIndex(d, metric, database);
        var distances = new float[nq * k];
        var ids = new int[nq * k];
        index.Search(queries, k, distances, ids);
        var (expectedDistances, expectedIds) = TestData.Reference(database, queries, d, k, metric);

        var sameIds = 0;
        for (var i = 0; i < nq * k; i++)
        {
            if (expectedIds[i] < 0)
            {
                Assert.Equal(-1, ids[i]);
                continue;
            }
            // Each reported neighbour is at the reference's j-th distance (float32 rounding aside), so any id
            // difference can only be a swap between (near-)tied neighbours.
            var tolerance = 1e-4 * (1 + Math.Abs(expectedDistances[i]));
            Assert.InRange(distances[i], expectedDistances[i] - tolerance, expectedDistances[i] + tolerance);
            var trueScore = TestData.Score(database, ids[i], queries, i / k, d, metric);
            Assert.InRange(trueScore, expectedDistances[i] - tolerance, expectedDistances[i] + tolerance);
            if (ids[i] == expectedIds[i]) sameIds++;
        }
        Assert.True(sameIds >= 0.995 * expectedIds.Count(id => id >= 0), $"Only {sameIds} of {nq * k} ids match the reference.");
    }
}
