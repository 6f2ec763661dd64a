using System.Buffers;
using System.Runtime.Intrinsics;

namespace KnnCli.Engine.Kernels;

/// <summary>
/// Exact k-NN over a contiguous row-major database, GEMM-style: queries go in blocks of up to 16 packed groups
/// (<see cref="BlockKernel{TOps, TVec}"/>), blocks run in parallel on every core, and within a block the database
/// is walked in slices small enough to stay in the L2 cache while every group of the block scans them. A batch of
/// one block (a single query, say) against a large database splits the database over the cores instead, each
/// core keeping its own heaps, merged at the end on the same (score, id) order, so results are identical.
/// </summary>
internal static unsafe class ExactSearch
{
    private const int MaxGroupsPerBlock = 16;
    private const int PackedBlockFloats = 64 * 1024; // 256 KB of packed queries per block, so block and slice share L2
    private const int SliceFloats = 64 * 1024; // 256 KB of database rows per slice
    private const long SplitDatabaseFloats = 256 * 1024; // below 1 MB of database one core finishes before others start

    /// <param name="norms">‖y‖² per database row for L2 (<paramref name="l2"/>); ignored for inner product.</param>
    public static void Search(float* queries, int nq, int d, float* database, int n, bool l2, float* norms, int k, float* distances, int* ids)
    {
        if (KernelWidth.Wide) Search<Simd512, Vector512<float>>(queries, nq, d, database, n, l2, norms, k, distances, ids);
        else Search<Simd256, Vector256<float>>(queries, nq, d, database, n, l2, norms, k, distances, ids);
    }

    private static void Search<TOps, TVec>(float* queries, int nq, int d, float* database, int n, bool l2, float* norms, int k, float* distances, int* ids)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var g = BlockKernel<TOps, TVec>.GroupWidth;
        var groupsPerBlock = Math.Clamp(PackedBlockFloats / (d * g), 1, MaxGroupsPerBlock);
        var blockSize = groupsPerBlock * g;
        var blocks = (nq + blockSize - 1) / blockSize;
        var parts = Environment.ProcessorCount;
        if (blocks <= 1 && parts > 1 && (long)n * d >= SplitDatabaseFloats)
        {
            SearchSplit<TOps, TVec>(queries, nq, d, database, n, l2, norms, k, distances, ids, parts);
            return;
        }
        if (blocks <= 1)
        {
            SearchBlock<TOps, TVec>(queries, 0, nq, d, database, n, 0, l2, norms, k, distances, ids, finish: true);
            return;
        }
        Parallel.For(0, blocks, b =>
        {
            var first = b * blockSize;
            SearchBlock<TOps, TVec>(queries, first, Math.Min(blockSize, nq - first), d, database, n, 0, l2, norms, k, distances, ids, finish: true);
        });
    }

    /// <summary>Each core scans one part of the database into heaps of its own; the parts' heaps are then merged into the result.</summary>
    private static void SearchSplit<TOps, TVec>(float* queries, int nq, int d, float* database, int n, bool l2, float* norms, int k, float* distances, int* ids, int parts)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var partScores = new float[parts * nq * k];
        var partIds = new int[parts * nq * k];
        Array.Fill(partIds, -1);
        fixed (float* scores = partScores)
        fixed (int* found = partIds)
        {
            var (scoresPtr, foundPtr) = ((nint)scores, (nint)found);
            Parallel.For(0, parts, p =>
            {
                var start = (int)((long)n * p / parts);
                var end = (int)((long)n * (p + 1) / parts);
                SearchBlock<TOps, TVec>(queries, 0, nq, d, database + (long)start * d, end - start, start, l2, l2 ? norms + start : null, k,
                    (float*)scoresPtr + (long)p * nq * k, (int*)foundPtr + (long)p * nq * k, finish: false);
            });
            var sizes = stackalloc int[nq];
            new Span<int>(sizes, nq).Clear();
            var heaps = new QueryHeaps(distances, ids, sizes, k);
            for (var p = 0; p < parts; p++)
                for (var q = 0; q < nq; q++)
                    for (var j = 0; j < k; j++)
                    {
                        var at = ((long)p * nq + q) * k + j;
                        if (found[at] >= 0) heaps.Push(q, scores[at], found[at]);
                    }
            Finish(heaps, queries, nq, d, l2);
        }
    }

    /// <summary>
    /// Searches queries first..first+count-1 against <paramref name="n"/> rows whose ids start at
    /// <paramref name="idBase"/>. With <paramref name="finish"/> the heaps end sorted as reported distances;
    /// without, they stay heaps of kernel scores (unused slots keep the caller's id -1) for a later merge.
    /// </summary>
    private static void SearchBlock<TOps, TVec>(float* queries, int first, int count, int d, float* database, int n, int idBase, bool l2, float* norms,
        int k, float* distances, int* ids, bool finish)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var g = BlockKernel<TOps, TVec>.GroupWidth;
        var groups = (count + g - 1) / g;
        var packedArray = ArrayPool<float>.Shared.Rent(groups * d * g);
        var sizes = stackalloc int[count];
        var heapOfLane = stackalloc int[g];
        var thresholds = stackalloc float[g];
        new Span<int>(sizes, count).Clear();
        var heaps = new QueryHeaps(distances + (long)first * k, ids + (long)first * k, sizes, k);
        try
        {
            fixed (float* packed = packedArray)
            {
                for (var gi = 0; gi < groups; gi++)
                    BlockKernel<TOps, TVec>.Pack(queries, d, null, first + gi * g, Math.Min(g, count - gi * g), packed + (long)gi * d * g);
                var slice = Math.Max(8, SliceFloats / d / 8 * 8);
                for (var start = 0; start < n; start += slice)
                {
                    var rows = Math.Min(slice, n - start);
                    for (var gi = 0; gi < groups; gi++)
                    {
                        var lanes = Math.Min(g, count - gi * g);
                        for (var l = 0; l < lanes; l++) heapOfLane[l] = gi * g + l;
                        var target = new GroupTarget(heaps, heapOfLane, lanes, g, thresholds);
                        BlockKernel<TOps, TVec>.Scan(packed + (long)gi * d * g, d, target, database + (long)start * d, rows,
                            l2 ? norms + start : null, null, idBase + start);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packedArray);
        }
        if (finish) Finish(heaps, queries + (long)first * d, count, d, l2);
    }

    /// <summary>Sorts every heap and turns kernel scores into the distances faiss reports.</summary>
    public static void Finish(QueryHeaps heaps, float* queries, int count, int d, bool l2)
    {
        for (var q = 0; q < count; q++)
        {
            if (l2)
            {
                var row = queries + (long)q * d;
                heaps.SortAndPad(q, new L2Finisher(VectorMath.Dot(row, row, d)));
            }
            else
            {
                heaps.SortAndPad(q, default(InnerProductFinisher));
            }
        }
    }
}
