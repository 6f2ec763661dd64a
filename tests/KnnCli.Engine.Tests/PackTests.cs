using System.Runtime.Intrinsics;
using KnnCli.Engine.Kernels;

namespace KnnCli.Engine.Tests;

/// <summary>A packed group is its queries dimension-major, one per lane, zero past the last: at both widths, whole or partial.</summary>
public unsafe class PackTests
{
    [Theory]
    [InlineData(64, 16)]
    [InlineData(13, 16)]
    [InlineData(8, 9)]
    [InlineData(784, 32)]
    [InlineData(3, 7)]
    [InlineData(21, 1)]
    public void EachLaneHoldsItsQueryDimensionMajor(int d, int count)
    {
        AssertPacked<Simd256, Vector256<float>>(d, Math.Min(count, 16));
        AssertPacked<Simd512, Vector512<float>>(d, count);
    }

    private static void AssertPacked<TOps, TVec>(int d, int count)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var g = BlockKernel<TOps, TVec>.GroupWidth;
        var queries = TestData.Gaussian(40, d, seed: d + count);
        var rows = Enumerable.Range(0, count).Select(l => (l * 7 + 3) % 40).ToArray();
        var packed = Enumerable.Repeat(float.NaN, d * g).ToArray(); // stale values a partial group must not keep
        fixed (float* q = queries, p = packed)
        fixed (int* r = rows)
            BlockKernel<TOps, TVec>.Pack(q, d, r, 0, count, p);
        for (var t = 0; t < d; t++)
            for (var l = 0; l < g; l++)
                Assert.Equal(l < count ? queries[rows[l] * d + t] : 0f, packed[t * g + l]);
    }
}
