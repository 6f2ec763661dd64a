using System.Runtime.Intrinsics.X86;
using KnnCli.Engine.Index;
using KnnCli.Engine.Kernels;

namespace KnnCli.Engine.Tests;

/// <summary>
/// IVFPQ's byte-table scan (512-bit kernels with AVX-512 VBMI) only screens vectors out; the distances offered to
/// the heap are the scalar scan's, so both must give the same results bit for bit, ties included.
/// </summary>
public class ByteTableScanTests
{
    [Fact]
    public void TheByteTableScanRunsWhereAvx512VbmiDoes()
    {
        using (KernelWidth.Force(512)) Assert.Equal(Avx512Vbmi.IsSupported, ByteTableScan.Enabled);
        using (KernelWidth.Force(256)) Assert.False(ByteTableScan.Enabled);
    }

    // Lists of every length against the 64-vector blocks; M that pads the dimension; k past some lists' length.
    [Theory]
    [InlineData(32, 3000, 16, 20, 5, 10)]
    [InlineData(54, 2000, 8, 12, 12, 7)]
    [InlineData(16, 700, 4, 30, 3, 50)]
    [InlineData(64, 5000, 32, 40, 8, 10)]
    public void ItFindsWhatTheScalarScanFinds(int d, int n, int m, int nlist, int nprobe, int k)
    {
        var (vectors, _) = TestData.Clustered(n, d, 10, seed: d + n);
        var queries = TestData.Gaussian(300, d, seed: 7);
        AssertSameAtBothScans(IvfPqIndex.Train(vectors, d, nlist, m, nprobe, seed: 3), queries, k);
    }

    [Fact]
    public void TiesBetweenDuplicatesComeOutTheSame()
    {
        // Small integers repeat: many vectors share a code, so many distances tie at the heap's threshold.
        const int d = 16;
        var random = new System.Random(11);
        var vectors = Enumerable.Range(0, 4000 * d).Select(_ => (float)random.Next(4)).ToArray();
        var queries = Enumerable.Range(0, 200 * d).Select(_ => (float)random.Next(4)).ToArray();
        AssertSameAtBothScans(IvfPqIndex.Train(vectors, d, nlist: 16, subQuantizers: 8, nprobe: 4, seed: 0), queries, k: 20);
    }

    [Fact]
    public void AQueryWithoutFiniteDistancesFallsBackToTheScalarScan()
    {
        const int d = 16;
        var (vectors, _) = TestData.Clustered(2000, d, 8, seed: 1);
        var queries = TestData.Gaussian(4, d, seed: 2);
        queries[3] = float.NaN;
        queries[d + 5] = float.PositiveInfinity;
        queries[2 * d] = 1e30f; // squares overflow the table to infinity
        AssertSameAtBothScans(IvfPqIndex.Train(vectors, d, nlist: 10, subQuantizers: 4, nprobe: 3, seed: 0), queries, k: 5);
    }

    [Fact]
    public void AFarQueryStillFillsItsHeap()
    {
        // Every distance is huge and alike: the quantized table is nearly flat and the bound must not drop vectors.
        const int d = 32;
        var (vectors, _) = TestData.Clustered(3000, d, 10, seed: 4);
        var queries = TestData.Gaussian(50, d, seed: 5).Select(x => x + 1e4f).ToArray();
        var pq = IvfPqIndex.Train(vectors, d, nlist: 20, subQuantizers: 16, nprobe: 2, seed: 0);
        var (distances, ids) = AssertSameAtBothScans(pq, queries, k: 10);
        Assert.DoesNotContain(-1, ids);
        Assert.All(distances, distance => Assert.True(float.IsFinite(distance)));
    }

    private static (float[] Distances, int[] Ids) AssertSameAtBothScans(IvfPqIndex index, float[] queries, int k)
    {
        var nq = queries.Length / index.Dimension;
        var (scalarDistances, scalarIds) = (new float[nq * k], new int[nq * k]);
        var (byteDistances, byteIds) = (new float[nq * k], new int[nq * k]);
        using (KernelWidth.Force(256)) index.Search(queries, k, scalarDistances, scalarIds);
        using (KernelWidth.Force(512)) index.Search(queries, k, byteDistances, byteIds);
        Assert.Equal(scalarIds, byteIds);
        Assert.Equal(scalarDistances.Select(BitConverter.SingleToInt32Bits), byteDistances.Select(BitConverter.SingleToInt32Bits));
        return (byteDistances, byteIds);
    }
}
