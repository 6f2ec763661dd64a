using System.Runtime.Intrinsics;
using KnnCli.Engine.Index;
using KnnCli.Engine.Kernels;

namespace KnnCli.Engine.Tests;

/// <summary>
/// Both kernel widths on every machine: the 512-bit kernels (AVX-512, a 2 × 8 tile of 16-float registers) and the
/// 256-bit ones (AVX2, a 2 × 6 tile that fits 16 registers) must find the same neighbours as the naive reference.
/// Where the CPU lacks AVX-512 the runtime emulates Vector512, so the wide path still runs, only slower.
/// </summary>
public class KernelWidthTests
{
    [Fact]
    public void SearchesUseTheWidestKernelTheRuntimeAccelerates()
    {
        Assert.Equal(Vector512.IsHardwareAccelerated ? 512 : 256, KernelWidth.Bits);
        using (KernelWidth.Force(256)) Assert.Equal(256, KernelWidth.Bits);
        using (KernelWidth.Force(512)) Assert.Equal(512, KernelWidth.Bits);
        Assert.Equal(Vector512.IsHardwareAccelerated ? 512 : 256, KernelWidth.Bits);
    }

    // Sizes cross each tile's boundaries: rows not a multiple of 6 or 8, queries over several 16- and 32-query
    // groups and blocks, dimensions that are not a multiple of either register width.
    [Theory]
    [InlineData(256, 19, 1003, 300, 10, IndexMetric.L2)]
    [InlineData(512, 19, 1003, 300, 10, IndexMetric.L2)]
    [InlineData(256, 64, 2000, 530, 7, IndexMetric.L2)]
    [InlineData(512, 64, 2000, 530, 7, IndexMetric.L2)]
    [InlineData(256, 33, 1501, 70, 5, IndexMetric.InnerProduct)]
    [InlineData(512, 33, 1501, 70, 5, IndexMetric.InnerProduct)]
    public void FlatSearchAtEachWidthMatchesTheReference(int bits, int d, int n, int nq, int k, IndexMetric metric)
    {
        var database = TestData.Gaussian(n, d, n + d);
        var queries = TestData.Gaussian(nq, d, n + d + 1);
        var (distances, ids) = SearchAt(bits, new FlatIndex(d, metric, database), queries, k);
        AssertMatches(TestData.Reference(database, queries, d, k, metric), distances, ids, database, queries, d, k, metric);
    }

    [Theory]
    [InlineData(256)]
    [InlineData(512)]
    public void IvfFlatProbingEveryListAtEachWidthMatchesTheReference(int bits)
    {
        const int d = 24, k = 10;
        var (vectors, _) = TestData.Clustered(3000, d, 12, seed: 5);
        var queries = TestData.Gaussian(150, d, 6);
        var ivf = IvfFlatIndex.Train(vectors, d, IndexMetric.L2, nlist: 20, nprobe: 20, seed: 0);
        var (distances, ids) = SearchAt(bits, ivf, queries, k);
        AssertMatches(TestData.Reference(vectors, queries, d, k, IndexMetric.L2), distances, ids, vectors, queries, d, k, IndexMetric.L2);
    }

    [Theory]
    [InlineData(256, IndexMetric.L2)]
    [InlineData(512, IndexMetric.L2)]
    [InlineData(256, IndexMetric.InnerProduct)]
    public void ASingleQueryOverALargeDatabaseSplitsItAndGetsTheSameResults(int bits, IndexMetric metric)
    {
        // 40,000 × 16 floats is past the size where one query's scan is split over the cores; the merged
        // heaps must equal one scan's, ties included (half the database repeats the other half).
        const int d = 16, k = 25;
        var half = TestData.Gaussian(20000, d, 41);
        var database = half.Concat(half).ToArray();
        var query = TestData.Gaussian(1, d, 42);
        var (distances, ids) = SearchAt(bits, new FlatIndex(d, metric, database), query, k);
        AssertMatches(TestData.Reference(database, query, d, k, metric), distances, ids, database, query, d, k, metric);
        for (var j = 0; j + 1 < k; j += 2) Assert.Equal(ids[j] + 20000, ids[j + 1]); // each tie: smaller id first
    }

    private static (float[] Distances, int[] Ids) SearchAt(int bits, IKnnIndex index, float[] queries, int k)
    {
        var nq = queries.Length / index.Dimension;
        var distances = new float[nq * k];
        var ids = new int[nq * k];
        using (KernelWidth.Force(bits)) index.Search(queries, k, distances, ids);
        return (distances, ids);
    }

    private static void AssertMatches((double[] Distances, int[] Ids) expected, float[] distances, int[] ids,
        float[] database, float[] queries, int d, int k, IndexMetric metric)
    {
        var sameIds = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            var tolerance = 1e-4 * (1 + Math.Abs(expected.Distances[i]));
            Assert.InRange(distances[i], expected.Distances[i] - tolerance, expected.Distances[i] + tolerance);
            var trueScore = TestData.Score(database, ids[i], queries, i / k, d, metric);
            Assert.InRange(trueScore, expected.Distances[i] - tolerance, expected.Distances[i] + tolerance);
            if (ids[i] == expected.Ids[i]) sameIds++;
        }
        Assert.True(sameIds >= ids.Length * 0.99, $"{sameIds} of {ids.Length} ids agree with the reference");
    }
}
