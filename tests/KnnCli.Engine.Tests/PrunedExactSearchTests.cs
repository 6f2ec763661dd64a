using KnnCli.Engine.Index;
using KnnCli.Engine.Kernels;

namespace KnnCli.Engine.Tests;

/// <summary>
/// From 50,000 vectors and 4,096 queries on, L2 flat search skips the cells its bounds rule out. It must return
/// the full scan's results bit for bit (distances, ids, tie order), at both kernel widths, on clustered data where
/// it prunes and on data built to defeat its bounds: duplicates, exact ties, huge offsets that cancel in
/// ‖y‖² − 2x·y, and queries that are NaN or infinite.
/// </summary>
public class PrunedExactSearchTests
{
    private const int PrunedVectors = 50_000;
    private const int PrunedQueries = 4_096;

    [Theory]
    [InlineData(512, 10)]
    [InlineData(256, 10)]
    [InlineData(512, 100)]
    public void ClusteredDataGetsTheFullScansResults(int bits, int k)
    {
        const int d = 16;
        var (vectors, queries) = ClusteredData(d, clusters: 20, seed: 3);
        AssertPrunedEqualsFullScan(bits, d, vectors, queries, k);
    }

    [Theory]
    [InlineData(512)]
    [InlineData(256)]
    public void UnclusteredDataGetsTheFullScansResults(int bits)
    {
        const int d = 8;
        AssertPrunedEqualsFullScan(bits, d, TestData.Gaussian(PrunedVectors + 123, d, 5), TestData.Gaussian(PrunedQueries + 7, d, 6), k: 10);
    }

    [Theory]
    [InlineData(512)]
    [InlineData(256)]
    public void DuplicatesAndExactTiesKeepTheSmallerIdFirst(int bits)
    {
        // Small integers (as pixels are): many vectors repeat and many distances tie exactly, and the cells are
        // scanned out of id order, so every tie must still go to the smaller id.
        const int d = 6;
        var random = new System.Random(9);
        var vectors = new float[PrunedVectors * d];
        for (var i = 0; i < vectors.Length; i++) vectors[i] = random.Next(4) + (i / d % 3 == 0 ? 0 : 10 * (i / d % 5));
        var queries = new float[PrunedQueries * d];
        Array.Copy(vectors, queries, queries.Length); // every query is also a database vector: distance-0 ties
        AssertPrunedEqualsFullScan(bits, d, vectors, queries, k: 30);
    }

    [Fact]
    public void AHugeOffsetThatCancelsInTheScoresChangesNothing()
    {
        // At 10⁴ from the origin the kernel's ‖y‖² − 2x·y loses most of its digits; the bounds' rounding margins
        // must keep every vector that could still enter the heap.
        const int d = 12;
        var (vectors, queries) = ClusteredData(d, clusters: 15, seed: 11);
        foreach (var data in new[] { vectors, queries })
            for (var i = 0; i < data.Length; i++) data[i] += 10_000f;
        AssertPrunedEqualsFullScan(512, d, vectors, queries, k: 10);
    }

    [Fact]
    public void NaNAndInfiniteQueriesGetWhatTheFullScanGives()
    {
        const int d = 8;
        var (vectors, queries) = ClusteredData(d, clusters: 10, seed: 13);
        queries[5 * d] = float.NaN;
        queries[9 * d + 3] = float.PositiveInfinity;
        queries[17 * d + 1] = 3e19f; // finite, but its square overflows float
        AssertPrunedEqualsFullScan(512, d, vectors, queries, k: 5);
    }

    [Fact]
    public void PrunedSearchSkipsMostOfClusteredData()
    {
        // The point of pruning: with well-separated clusters, each query's heap fills from its own cluster and the
        // other clusters' cells are ruled out. Counted, not timed.
        const int d = 16;
        var (vectors, queries) = ClusteredData(d, clusters: 20, seed: 3);
        var pruned = PrunedFlatSearch.Build(vectors, d, cellCount: 223, seed: 0, iterations: 8);
        var scored = pruned.Search(queries, 10, new float[PrunedQueries * 10], new int[PrunedQueries * 10]);
        Assert.InRange(scored, 1, (long)PrunedQueries * PrunedVectors / 10);
    }

    /// <summary>Database and queries drawn from the same clusters.</summary>
    private static (float[] Vectors, float[] Queries) ClusteredData(int d, int clusters, int seed) =>
        (TestData.Clustered(PrunedVectors, d, clusters, seed).Vectors, TestData.Clustered(PrunedQueries, d, clusters, seed, sampleSeed: seed + 1).Vectors);

    private static void AssertPrunedEqualsFullScan(int bits, int d, float[] vectors, float[] queries, int k)
    {
        var nq = queries.Length / d;
        var (prunedDistances, prunedIds) = (new float[nq * k], new int[nq * k]);
        var (fullDistances, fullIds) = (new float[nq * k], new int[nq * k]);
        using (KernelWidth.Force(bits))
        {
            var pruned = new FlatIndex(d, IndexMetric.L2, vectors);
            pruned.Search(queries, k, prunedDistances, prunedIds);
            // Once its cells exist, a few hundred queries go through them too.
            var (smallDistances, smallIds) = (new float[300 * k], new int[300 * k]);
            pruned.Search(queries.AsSpan(0, 300 * d), k, smallDistances, smallIds);
            Assert.Equal(prunedIds.AsSpan(0, 300 * k).ToArray(), smallIds);
            Assert.Equal(prunedDistances.AsSpan(0, 300 * k).ToArray(), smallDistances);
            // An index that has never seen a batch large enough to build its cells: the full scan.
            var full = new FlatIndex(d, IndexMetric.L2, vectors);
            const int fullScanBatch = PrunedQueries / 2;
            for (var start = 0; start < nq; start += fullScanBatch)
            {
                var count = Math.Min(fullScanBatch, nq - start);
                full.Search(queries.AsSpan(start * d, count * d), k, fullDistances.AsSpan(start * k, count * k), fullIds.AsSpan(start * k, count * k));
            }
        }
        for (var i = 0; i < nq * k; i++)
        {
            if (fullIds[i] != prunedIds[i] || BitConverter.SingleToInt32Bits(fullDistances[i]) != BitConverter.SingleToInt32Bits(prunedDistances[i]))
                Assert.Fail($"Query {i / k}, rank {i % k}: pruned gave id {prunedIds[i]} at {prunedDistances[i]:R}, the full scan id {fullIds[i]} at {fullDistances[i]:R}.");
        }
    }
}
