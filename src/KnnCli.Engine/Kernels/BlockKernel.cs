using System.Numerics;
using System.Runtime.CompilerServices;

namespace KnnCli.Engine.Kernels;

/// <summary>
/// The exact-search micro-kernel. A group of up to <see cref="GroupWidth"/> queries is packed dimension-major, one
/// query per SIMD lane (two vectors wide); database rows are read in place, eight at a time, each coordinate
/// broadcast and multiplied into the 2×8 register tile with FMA. When a tile is done its dot products become
/// scores (‖y‖² − 2x·y for L2, −x·y for inner product) and are compared with every lane's current k-th best at
/// once, so the top-k selection happens while the tile is still in registers and no distance matrix is stored.
/// </summary>
internal static unsafe class BlockKernel
{
    private const int RowTile = 8;

    /// <summary>Floats per SIMD vector.</summary>
    public static int Lanes => Vector<float>.Count;

    /// <summary>Queries scanned together: one per lane, two vectors.</summary>
    public static int GroupWidth => 2 * Vector<float>.Count;

    /// <summary>
    /// Packs <paramref name="count"/> query rows into <paramref name="packed"/> (d × <see cref="GroupWidth"/>
    /// floats, dimension-major). Lane l takes row <c>rows[l]</c>, or <c>firstRow + l</c> when rows is null;
    /// lanes past count are zero.
    /// </summary>
    public static void Pack(float* queries, int d, int* rows, int firstRow, int count, float* packed)
    {
        var g = GroupWidth;
        new Span<float>(packed, d * g).Clear();
        for (var l = 0; l < count; l++)
        {
            var row = queries + (long)(rows is null ? firstRow + l : rows[l]) * d;
            for (var t = 0; t < d; t++) packed[t * g + l] = row[t];
        }
    }

    /// <summary>
    /// Scans <paramref name="rowCount"/> database rows (row-major, d floats each) against a packed group and
    /// offers each score to the heap of its query. <paramref name="norms"/> holds each row's ‖y‖² for L2 and is
    /// null for inner product. A row's id is <c>ids[j]</c>, or <c>idBase + j</c> when ids is null.
    /// </summary>
    public static void Scan(float* packed, int d, in GroupTarget target, float* rows, int rowCount, float* norms, int* ids, int idBase)
    {
        var w = Lanes;
        var g = GroupWidth;
        var thresholds = target.Thresholds;
        var thr0 = Vector.Load(thresholds);
        var thr1 = Vector.Load(thresholds + w);
        var alpha = new Vector<float>(norms is null ? -1f : -2f);
        // The tile's dot products go through this buffer: accumulators live only inside the call-free FMA loop,
        // so the register allocator keeps all sixteen in registers instead of spilling them around Admit calls.
        var tile = stackalloc float[RowTile * g];
        var j = 0;
        for (; j + RowTile <= rowCount; j += RowTile)
        {
            DotTile(packed, d, rows + (long)j * d, tile);
            for (var r = 0; r < RowTile; r++)
                Offer(Vector.Load(tile + r * g), Vector.Load(tile + r * g + w), alpha, norms, j + r, ref thr0, ref thr1, target, ids, idBase);
        }
        for (; j < rowCount; j++)
        {
            DotRow(packed, d, rows + (long)j * d, tile);
            Offer(Vector.Load(tile), Vector.Load(tile + w), alpha, norms, j, ref thr0, ref thr1, target, ids, idBase);
        }
    }

    /// <summary>x·y for every query of the group and each of the eight rows at <paramref name="y0"/>, into tile[row × G + lane].</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DotTile(float* packed, int d, float* y0, float* tile)
    {
        var w = Lanes;
        var g = GroupWidth;
        var y1 = y0 + d;
        var y2 = y1 + d;
        var y3 = y2 + d;
        var y4 = y3 + d;
        var y5 = y4 + d;
        var y6 = y5 + d;
        var y7 = y6 + d;
        Vector<float> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default, a30 = default, a31 = default;
        Vector<float> a40 = default, a41 = default, a50 = default, a51 = default, a60 = default, a61 = default, a70 = default, a71 = default;
        var q = packed;
        for (var t = 0; t < d; t++, q += g)
        {
            var q0 = Vector.Load(q);
            var q1 = Vector.Load(q + w);
            var b = new Vector<float>(y0[t]);
            a00 = Vector.FusedMultiplyAdd(q0, b, a00);
            a01 = Vector.FusedMultiplyAdd(q1, b, a01);
            b = new Vector<float>(y1[t]);
            a10 = Vector.FusedMultiplyAdd(q0, b, a10);
            a11 = Vector.FusedMultiplyAdd(q1, b, a11);
            b = new Vector<float>(y2[t]);
            a20 = Vector.FusedMultiplyAdd(q0, b, a20);
            a21 = Vector.FusedMultiplyAdd(q1, b, a21);
            b = new Vector<float>(y3[t]);
            a30 = Vector.FusedMultiplyAdd(q0, b, a30);
            a31 = Vector.FusedMultiplyAdd(q1, b, a31);
            b = new Vector<float>(y4[t]);
            a40 = Vector.FusedMultiplyAdd(q0, b, a40);
            a41 = Vector.FusedMultiplyAdd(q1, b, a41);
            b = new Vector<float>(y5[t]);
            a50 = Vector.FusedMultiplyAdd(q0, b, a50);
            a51 = Vector.FusedMultiplyAdd(q1, b, a51);
            b = new Vector<float>(y6[t]);
            a60 = Vector.FusedMultiplyAdd(q0, b, a60);
            a61 = Vector.FusedMultiplyAdd(q1, b, a61);
            b = new Vector<float>(y7[t]);
            a70 = Vector.FusedMultiplyAdd(q0, b, a70);
            a71 = Vector.FusedMultiplyAdd(q1, b, a71);
        }
        a00.Store(tile); a01.Store(tile + w);
        a10.Store(tile + g); a11.Store(tile + g + w);
        a20.Store(tile + 2 * g); a21.Store(tile + 2 * g + w);
        a30.Store(tile + 3 * g); a31.Store(tile + 3 * g + w);
        a40.Store(tile + 4 * g); a41.Store(tile + 4 * g + w);
        a50.Store(tile + 5 * g); a51.Store(tile + 5 * g + w);
        a60.Store(tile + 6 * g); a61.Store(tile + 6 * g + w);
        a70.Store(tile + 7 * g); a71.Store(tile + 7 * g + w);
    }

    /// <summary>x·y for every query of the group and the one row <paramref name="y"/>, into tile[lane].</summary>
    private static void DotRow(float* packed, int d, float* y, float* tile)
    {
        var w = Lanes;
        var g = GroupWidth;
        Vector<float> a0 = default, a1 = default;
        var q = packed;
        for (var t = 0; t < d; t++, q += g)
        {
            var b = new Vector<float>(y[t]);
            a0 = Vector.FusedMultiplyAdd(Vector.Load(q), b, a0);
            a1 = Vector.FusedMultiplyAdd(Vector.Load(q + w), b, a1);
        }
        a0.Store(tile);
        a1.Store(tile + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Offer(Vector<float> dot0, Vector<float> dot1, Vector<float> alpha, float* norms, int row,
        ref Vector<float> thr0, ref Vector<float> thr1, in GroupTarget target, int* ids, int idBase)
    {
        var norm = norms is null ? Vector<float>.Zero : new Vector<float>(norms[row]);
        var s0 = Vector.FusedMultiplyAdd(dot0, alpha, norm);
        var s1 = Vector.FusedMultiplyAdd(dot1, alpha, norm);
        if ((Vector.LessThan(s0, thr0) | Vector.LessThan(s1, thr1)) == Vector<int>.Zero) return;
        target.Admit(s0, s1, ids is null ? idBase + row : ids[row]);
        thr0 = Vector.Load(target.Thresholds);
        thr1 = Vector.Load(target.Thresholds + Lanes);
    }
}

/// <summary>
/// Where a packed group's results go: the heap of each lane's query, and each lane's current admission threshold
/// (−∞ for lanes that hold no query, so they never admit anything).
/// </summary>
internal readonly unsafe struct GroupTarget
{
    private readonly QueryHeaps _heaps;
    private readonly int* _heapOfLane;
    private readonly int _lanes;

    /// <param name="thresholds">Scratch for <see cref="BlockKernel.GroupWidth"/> floats.</param>
    /// <param name="heapOfLane">The heap (query) index of each of the first <paramref name="lanes"/> lanes.</param>
    public GroupTarget(QueryHeaps heaps, int* heapOfLane, int lanes, float* thresholds)
    {
        _heaps = heaps;
        _heapOfLane = heapOfLane;
        _lanes = lanes;
        Thresholds = thresholds;
        for (var l = 0; l < BlockKernel.GroupWidth; l++)
            thresholds[l] = l < lanes ? heaps.Threshold(heapOfLane[l]) : float.NegativeInfinity;
    }

    public float* Thresholds { get; }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Admit(Vector<float> scores0, Vector<float> scores1, int id)
    {
        var scores = stackalloc float[BlockKernel.GroupWidth];
        scores0.Store(scores);
        scores1.Store(scores + BlockKernel.Lanes);
        for (var l = 0; l < _lanes; l++)
        {
            if (!(scores[l] < Thresholds[l])) continue;
            var heap = _heapOfLane[l];
            _heaps.Push(heap, scores[l], id);
            Thresholds[l] = _heaps.Threshold(heap);
        }
    }
}
