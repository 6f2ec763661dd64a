using System.Runtime.CompilerServices;

namespace KnnCli.Engine.Kernels;

/// <summary>
/// IVFPQ's asymmetric distances: a stored vector's distance is the coarse distance plus its M entries of the
/// probe's float table (M rows of 256), added in sub-quantizer order. No call happens inside the loop: on x64 Unix
/// every vector register is caller-saved, so a heap push in there made the JIT keep the sums in memory, one
/// store-to-load round trip per addition. (AVX2 gathers, eight lookups an instruction, were slower on Zen 3.)
/// </summary>
internal static unsafe class PqTableSums
{
    private const int CodebookSize = 256;

    /// <summary>distances[i] for the <paramref name="count"/> vectors at <paramref name="codes"/> (M code bytes each, vector after vector).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Sum(byte* codes, int count, int m, float coarseDistance, float* table, float* distances)
    {
        var i = 0;
        for (; i + 4 <= count; i += 4)
        {
            // Four dependent add chains overlap instead of waiting on each other (faiss's distance_four_codes).
            var c0 = codes + (long)i * m;
            var c1 = c0 + m;
            var c2 = c1 + m;
            var c3 = c2 + m;
            float d0 = coarseDistance, d1 = coarseDistance, d2 = coarseDistance, d3 = coarseDistance;
            var s = 0;
            for (; s + 4 <= m; s += 4)
            {
                // Four codes per (little-endian) load: the loads, not the additions, bound this loop.
                var (w0, w1, w2, w3) = (*(uint*)(c0 + s), *(uint*)(c1 + s), *(uint*)(c2 + s), *(uint*)(c3 + s));
                var row = table + s * CodebookSize;
                d0 += row[w0 & 0xFF];
                d1 += row[w1 & 0xFF];
                d2 += row[w2 & 0xFF];
                d3 += row[w3 & 0xFF];
                row += CodebookSize;
                d0 += row[(w0 >> 8) & 0xFF];
                d1 += row[(w1 >> 8) & 0xFF];
                d2 += row[(w2 >> 8) & 0xFF];
                d3 += row[(w3 >> 8) & 0xFF];
                row += CodebookSize;
                d0 += row[(w0 >> 16) & 0xFF];
                d1 += row[(w1 >> 16) & 0xFF];
                d2 += row[(w2 >> 16) & 0xFF];
                d3 += row[(w3 >> 16) & 0xFF];
                row += CodebookSize;
                d0 += row[w0 >> 24];
                d1 += row[w1 >> 24];
                d2 += row[w2 >> 24];
                d3 += row[w3 >> 24];
            }
            for (; s < m; s++)
            {
                var row = table + s * CodebookSize;
                d0 += row[c0[s]];
                d1 += row[c1[s]];
                d2 += row[c2[s]];
                d3 += row[c3[s]];
            }
            distances[i] = d0;
            distances[i + 1] = d1;
            distances[i + 2] = d2;
            distances[i + 3] = d3;
        }
        for (; i < count; i++) distances[i] = One(coarseDistance, table, codes + (long)i * m, m);
    }

    /// <summary>One stored vector's distance.</summary>
    public static float One(float coarseDistance, float* table, byte* code, int m)
    {
        var distance = coarseDistance;
        for (var s = 0; s < m; s++) distance += table[s * CodebookSize + code[s]];
        return distance;
    }
}
