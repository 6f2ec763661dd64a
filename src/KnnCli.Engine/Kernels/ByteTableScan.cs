using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KnnCli.Engine.Kernels;

/// <summary>
/// IVFPQ's list scan with the distance table quantized to bytes, as faiss's fast-scan does for 4-bit codes but
/// for 8-bit ones: AVX-512 VBMI's two-register byte permute looks up 64 codes' entries of a 256-entry byte table
/// in two instructions, so a block of 64 stored vectors costs about a dozen instructions per sub-quantizer instead
/// of 64 scalar lookups. The byte sums only bound the float sums from below (each entry is within half a quantum,
/// plus float rounding), so a vector whose bound reaches the heap's threshold is skipped, and every other one is
/// scored from the float table in the scalar order: results are identical to the scalar scan, ties included.
/// </summary>
internal static unsafe class ByteTableScan
{
    /// <summary>Stored vectors per block: one byte lane of a 512-bit register each.</summary>
    public const int BlockSize = 64;

    private const int CodebookSize = 256;

    /// <summary>True when searches started now scan with byte tables (512-bit kernels on a CPU with AVX-512 VBMI).</summary>
    public static bool Enabled => KernelWidth.Wide && Avx512Vbmi.IsSupported;

    /// <summary>
    /// A list's codes (M bytes per vector, vector after vector) regrouped in blocks of 64 vectors, each block
    /// sub-quantizer-major: byte j of the block's row s is vector j's code for sub-quantizer s. The last block is
    /// zero-padded.
    /// </summary>
    public static byte[] Interleave(ReadOnlySpan<byte> codes, int subQuantizers)
    {
        var count = codes.Length / subQuantizers;
        var blocks = (count + BlockSize - 1) / BlockSize;
        var result = new byte[blocks * subQuantizers * BlockSize];
        for (var i = 0; i < count; i++)
        {
            var block = result.AsSpan(i / BlockSize * subQuantizers * BlockSize);
            for (var s = 0; s < subQuantizers; s++) block[s * BlockSize + i % BlockSize] = codes[i * subQuantizers + s];
        }
        return result;
    }

    /// <summary>A float distance table quantized to bytes: entry ≈ bias share + byte / scale.</summary>
    public readonly struct Table(float bias, float scale, double magnitude)
    {
        /// <summary>Σ over sub-quantizers of the row minimum: what a byte sum of 0 stands for.</summary>
        public float Bias { get; } = bias;

        /// <summary>Bytes per distance unit: 255 / the widest row's range.</summary>
        public float Scale { get; } = scale;

        /// <summary>Σ over sub-quantizers of the row's largest magnitude, which bounds the float rounding of a sum.</summary>
        public double Magnitude { get; } = magnitude;
    }

    /// <summary>
    /// Writes the probe's float table, <paramref name="listTerms"/> + <paramref name="queryTerms"/> (M rows of 256),
    /// to <paramref name="table"/> and quantizes it into <paramref name="bytes"/>: each row shifted by its minimum,
    /// all rows scaled alike so the widest spans 0..255. False when an entry is not finite (a NaN or infinite
    /// query): the caller scans that list the scalar way.
    /// </summary>
    public static bool TryQuantize(float* listTerms, float* queryTerms, float* table, int subQuantizers, byte* bytes, out Table quantized)
    {
        var minima = stackalloc float[subQuantizers];
        var nonFinite = Vector512<float>.Zero; // stays zero unless an entry is infinite or NaN (∞ × 0 is NaN)
        double bias = 0, magnitude = 0;
        float widest = 0;
        for (var s = 0; s < subQuantizers; s++)
        {
            var offset = s * CodebookSize;
            var low = Vector512.Create(float.PositiveInfinity);
            var high = Vector512.Create(float.NegativeInfinity);
            for (var j = offset; j < offset + CodebookSize; j += Vector512<float>.Count)
            {
                var v = Vector512.Load(listTerms + j) + Vector512.Load(queryTerms + j);
                v.Store(table + j);
                nonFinite = Vector512.FusedMultiplyAdd(v, Vector512<float>.Zero, nonFinite);
                low = Vector512.MinNative(low, v);
                high = Vector512.MaxNative(high, v);
            }
            var (min, max) = (float.PositiveInfinity, float.NegativeInfinity);
            for (var lane = 0; lane < Vector512<float>.Count; lane++) (min, max) = (Math.Min(min, low[lane]), Math.Max(max, high[lane]));
            minima[s] = min;
            bias += min;
            magnitude += Math.Max(Math.Abs(min), Math.Abs(max));
            widest = Math.Max(widest, max - min);
        }
        if (nonFinite != Vector512<float>.Zero || !float.IsFinite(widest))
        {
            quantized = default;
            return false;
        }
        var scale = widest > 0 ? 255f / widest : 1f;
        var scaleVector = Vector512.Create(scale);
        var half = Vector512.Create(0.5f);
        var top = Vector512.Create(255);
        for (var s = 0; s < subQuantizers; s++)
        {
            var row = table + s * CodebookSize;
            var output = bytes + s * CodebookSize;
            var min = Vector512.Create(minima[s]);
            for (var j = 0; j < CodebookSize; j += Vector512<float>.Count)
            {
                // floor(x + 0.5) of a non-negative x: within half a quantum of x.
                var rounded = Vector512.ConvertToInt32(Vector512.FusedMultiplyAdd(Vector512.Load(row + j) - min, scaleVector, half));
                Avx512F.ConvertToVector128Byte(Vector512.Min(rounded, top)).Store(output + j);
            }
        }
        quantized = new Table((float)bias, scale, magnitude);
        return true;
    }

    /// <summary>
    /// The largest byte sum, exclusive, whose float distance could still beat <paramref name="threshold"/>: 0 when
    /// none can, 65,535 when all can (a sum of M ≤ 256 bytes is below it).
    /// </summary>
    public static int Limit(in Table table, float coarseDistance, float threshold, int subQuantizers)
    {
        if (float.IsPositiveInfinity(threshold)) return ushort.MaxValue;
        // A float sum of M + 1 terms is within (M + 1) units in the last place of its magnitude of the exact one;
        // each byte is within half a quantum of its entry, and one more quantum covers the quantizing's own rounding.
        var rounding = (subQuantizers + 2) * (Math.Abs(coarseDistance) + table.Magnitude) / (1 << 23);
        var limit = (threshold - (double)coarseDistance - table.Bias + rounding) * table.Scale + subQuantizers / 2.0 + 1;
        return limit <= 0 ? 0 : limit >= ushort.MaxValue ? ushort.MaxValue : (int)Math.Ceiling(limit);
    }

    /// <summary>
    /// A bit per vector of the block at <paramref name="block"/> (M rows of 64 codes) whose byte sum is below
    /// <paramref name="limit"/>.
    /// </summary>
    public static ulong Candidates(byte* block, byte* bytes, int subQuantizers, int limit)
    {
        var low = Vector512<ushort>.Zero;
        var high = Vector512<ushort>.Zero;
        for (var s = 0; s < subQuantizers; s++)
        {
            var row = bytes + s * CodebookSize;
            var codes = Vector512.Load(block + s * BlockSize);
            var first = Avx512Vbmi.PermuteVar64x8x2(Vector512.Load(row), codes, Vector512.Load(row + 64));
            var second = Avx512Vbmi.PermuteVar64x8x2(Vector512.Load(row + 128), codes, Vector512.Load(row + 192));
            var entries = Vector512.ConditionalSelect(Vector512.LessThan(codes.AsSByte(), Vector512<sbyte>.Zero).AsByte(), second, first);
            var (lower, upper) = Vector512.Widen(entries);
            low += lower;
            high += upper;
        }
        var bound = Vector512.Create((ushort)limit);
        return Vector512.LessThan(low, bound).ExtractMostSignificantBits() | Vector512.LessThan(high, bound).ExtractMostSignificantBits() << 32;
    }
}
