using KnnCli.Engine.Kernels;

namespace KnnCli.Engine.Tests;

/// <summary>
/// The IVFPQ scan's block sums (four vectors side by side, four codes per load) must give each vector's distance
/// bit for bit as adding its table entries one by one in sub-quantizer order does.
/// </summary>
public unsafe class PqTableSumsTests
{
    [Theory]
    [InlineData(1, 9)]
    [InlineData(3, 10)]
    [InlineData(4, 7)]
    [InlineData(16, 257)]
    [InlineData(20, 33)]
    [InlineData(96, 5)]
    public void BlockSumsAreTheOneByOneSums(int m, int count)
    {
        var random = new System.Random(m * 1000 + count);
        var table = Enumerable.Range(0, m * 256).Select(_ => (float)(random.NextDouble() * 1e3 - 100)).ToArray();
        var codes = new byte[count * m];
        random.NextBytes(codes);
        var sums = new float[count];
        const float coarse = 12.345f;
        fixed (float* t = table, output = sums)
        fixed (byte* c = codes)
        {
            PqTableSums.Sum(c, count, m, coarse, t, output);
            for (var i = 0; i < count; i++)
            {
                var expected = coarse;
                for (var s = 0; s < m; s++) expected += table[s * 256 + codes[i * m + s]];
                Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(sums[i]));
                Assert.Equal(expected, PqTableSums.One(coarse, t, c + i * m, m));
            }
        }
    }
}
