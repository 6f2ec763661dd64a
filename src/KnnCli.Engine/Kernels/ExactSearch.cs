using System.Buffers;

namespace KnnCli.Engine.Kernels;

/// <summary>
/// Exact k-NN over a contiguous row-major database, GEMM-style: queries go in blocks of 16 packed groups
/// (<see cref="BlockKernel"/>), blocks run in parallel on every core, and within a block the database is walked
/// in slices small enough to stay in the L2 cache while every group of the block scans them.
/// </summary>
internal static unsafe class ExactSearch
{
    private const int GroupsPerBlock = 16;
    private const int SliceFloats = 64 * 1024; // 256 KB of database rows per slice

    /// <param name="norms">‖y‖² per database row for L2 (<paramref name="l2"/>); ignored for inner product.</param>
    public static void Search(float* queries, int nq, int d, float* database, int n, bool l2, float* norms, int k, float* distances, int* ids)
    {
        var blockSize = GroupsPerBlock * BlockKernel.GroupWidth;
        var blocks = (nq + blockSize - 1) / blockSize;
        if (blocks <= 1)
        {
            SearchBlock(queries, 0, nq, d, database, n, l2, norms, k, distances, ids);
            return;
        }
        Parallel.For(0, blocks, b =>
        {
            var first = b * blockSize;
            SearchBlock(queries, first, Math.Min(blockSize, nq - first), d, database, n, l2, norms, k, distances, ids);
        });
    }

    private static void SearchBlock(float* queries, int first, int count, int d, float* database, int n, bool l2, float* norms, int k, float* distances, int* ids)
    {
        var g = BlockKernel.GroupWidth;
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
                    BlockKernel.Pack(queries, d, null, first + gi * g, Math.Min(g, count - gi * g), packed + (long)gi * d * g);
                var slice = Math.Max(8, SliceFloats / d / 8 * 8);
                for (var start = 0; start < n; start += slice)
                {
                    var rows = Math.Min(slice, n - start);
                    for (var gi = 0; gi < groups; gi++)
                    {
                        var lanes = Math.Min(g, count - gi * g);
                        for (var l = 0; l < lanes; l++) heapOfLane[l] = gi * g + l;
                        var target = new GroupTarget(heaps, heapOfLane, lanes, thresholds);
                        BlockKernel.Scan(packed + (long)gi * d * g, d, target, database + (long)start * d, rows,
                            l2 ? norms + start : null, null, start);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packedArray);
        }
        Finish(heaps, queries + (long)first * d, count, d, l2);
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
