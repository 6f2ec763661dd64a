using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KnnCli.Engine.Kernels;

/// <summary>
/// The exact-search micro-kernel, for one register width (<see cref="ISimdOps{TVec}"/>). A group of up to
/// <see cref="GroupWidth"/> queries is packed dimension-major, one query per SIMD lane (two registers wide);
/// database rows are read in place, <c>RowTile</c> at a time, each coordinate broadcast and multiplied into the
/// 2 × RowTile register tile with FMA. When a tile is done its dot products become scores (‖y‖² − 2x·y for L2,
/// −x·y for inner product) and are compared with every lane's current k-th best at once, so the top-k selection
/// happens while the tile is still hot and no distance matrix is stored.
/// </summary>
internal static unsafe class BlockKernel<TOps, TVec>
    where TOps : struct, ISimdOps<TVec>
    where TVec : struct
{
    /// <summary>Queries scanned together: one per lane, two registers.</summary>
    public static int GroupWidth => 2 * TOps.Lanes;

    /// <summary>
    /// Packs <paramref name="count"/> query rows into <paramref name="packed"/> (d × <see cref="GroupWidth"/>
    /// floats, dimension-major). Lane l takes row <c>rows[l]</c>, or <c>firstRow + l</c> when rows is null;
    /// lanes past count are zero.
    /// </summary>
    public static void Pack(float* queries, int d, int* rows, int firstRow, int count, float* packed)
    {
        var g = GroupWidth;
        if (count < g) new Span<float>(packed, d * g).Clear();
        var l = 0;
        // IVFFlat packs a group for every list it scans, so eight rows at a time go through an 8 × 8 transpose
        // (a scalar copy, one store per float, was 7 % of its search).
        if (Avx.IsSupported)
        {
            var row = stackalloc float*[8];
            for (; l + 8 <= count; l += 8)
            {
                for (var r = 0; r < 8; r++) row[r] = queries + (long)(rows is null ? firstRow + l + r : rows[l + r]) * d;
                var t = 0;
                for (; t + 8 <= d; t += 8) Transpose8x8(row, t, packed + (long)t * g + l, g);
                for (; t < d; t++)
                    for (var r = 0; r < 8; r++) packed[t * g + l + r] = row[r][t];
            }
        }
        for (; l < count; l++)
        {
            var row = queries + (long)(rows is null ? firstRow + l : rows[l]) * d;
            for (var t = 0; t < d; t++) packed[t * g + l] = row[t];
        }
    }

    /// <summary>Floats t..t+7 of the eight rows, as eight columns: column i (row r's float t + i in lane r) at output + i × stride.</summary>
    private static void Transpose8x8(float** row, int t, float* output, int stride)
    {
        var r0 = Vector256.Load(row[0] + t);
        var r1 = Vector256.Load(row[1] + t);
        var r2 = Vector256.Load(row[2] + t);
        var r3 = Vector256.Load(row[3] + t);
        var r4 = Vector256.Load(row[4] + t);
        var r5 = Vector256.Load(row[5] + t);
        var r6 = Vector256.Load(row[6] + t);
        var r7 = Vector256.Load(row[7] + t);
        var a0 = Avx.UnpackLow(r0, r1);
        var a1 = Avx.UnpackHigh(r0, r1);
        var a2 = Avx.UnpackLow(r2, r3);
        var a3 = Avx.UnpackHigh(r2, r3);
        var a4 = Avx.UnpackLow(r4, r5);
        var a5 = Avx.UnpackHigh(r4, r5);
        var a6 = Avx.UnpackLow(r6, r7);
        var a7 = Avx.UnpackHigh(r6, r7);
        var b0 = Avx.Shuffle(a0, a2, 0x44);
        var b1 = Avx.Shuffle(a0, a2, 0xEE);
        var b2 = Avx.Shuffle(a1, a3, 0x44);
        var b3 = Avx.Shuffle(a1, a3, 0xEE);
        var b4 = Avx.Shuffle(a4, a6, 0x44);
        var b5 = Avx.Shuffle(a4, a6, 0xEE);
        var b6 = Avx.Shuffle(a5, a7, 0x44);
        var b7 = Avx.Shuffle(a5, a7, 0xEE);
        Avx.Permute2x128(b0, b4, 0x20).Store(output);
        Avx.Permute2x128(b1, b5, 0x20).Store(output + stride);
        Avx.Permute2x128(b2, b6, 0x20).Store(output + 2 * stride);
        Avx.Permute2x128(b3, b7, 0x20).Store(output + 3 * stride);
        Avx.Permute2x128(b0, b4, 0x31).Store(output + 4 * stride);
        Avx.Permute2x128(b1, b5, 0x31).Store(output + 5 * stride);
        Avx.Permute2x128(b2, b6, 0x31).Store(output + 6 * stride);
        Avx.Permute2x128(b3, b7, 0x31).Store(output + 7 * stride);
    }

    /// <summary>
    /// Scans <paramref name="rowCount"/> database rows (row-major, d floats each) against a packed group and
    /// offers each score to the heap of its query. <paramref name="norms"/> holds each row's ‖y‖² for L2 and is
    /// null for inner product. A row's id is <c>ids[j]</c>, or <c>idBase + j</c> when ids is null.
    /// </summary>
    public static void Scan(float* packed, int d, in GroupTarget target, float* rows, int rowCount, float* norms, int* ids, int idBase)
    {
        var w = TOps.Lanes;
        var g = GroupWidth;
        var rowTile = TOps.RowTile;
        var thresholds = target.Thresholds;
        var thr0 = TOps.Load(thresholds);
        var thr1 = TOps.Load(thresholds + w);
        var alpha = TOps.Broadcast(norms is null ? -1f : -2f);
        // The tile's dot products go through this buffer: accumulators live only inside the call-free FMA loop,
        // so the register allocator keeps them all in registers instead of spilling them around Admit calls.
        var tile = stackalloc float[8 * g];
        var j = 0;
        for (; j + rowTile <= rowCount; j += rowTile)
        {
            DotTile(packed, d, rows + (long)j * d, tile);
            for (var r = 0; r < rowTile; r++) Offer(tile + r * g, alpha, norms, j + r, ref thr0, ref thr1, target, ids, idBase);
        }
        for (; j < rowCount; j++)
        {
            DotRow(packed, d, rows + (long)j * d, tile);
            Offer(tile, alpha, norms, j, ref thr0, ref thr1, target, ids, idBase);
        }
    }

    /// <summary>x·y for every query of the group and each of the RowTile rows at <paramref name="y0"/>, into tile[row × G + lane].</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DotTile(float* packed, int d, float* y0, float* tile)
    {
        var w = TOps.Lanes;
        var g = GroupWidth;
        // RowTile is a constant of each specialisation, so the JIT drops the unused rows' code and registers.
        var eight = TOps.RowTile == 8;
        var y1 = y0 + d;
        var y2 = y1 + d;
        var y3 = y2 + d;
        var y4 = y3 + d;
        var y5 = y4 + d;
        var y6 = y5 + d;
        var y7 = y6 + d;
        TVec a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default;
        TVec a30 = default, a31 = default, a40 = default, a41 = default, a50 = default, a51 = default;
        TVec a60 = default, a61 = default, a70 = default, a71 = default;
        var q = packed;
        for (var t = 0; t < d; t++, q += g)
        {
            var q0 = TOps.Load(q);
            var q1 = TOps.Load(q + w);
            var b = TOps.Broadcast(y0[t]);
            a00 = TOps.MultiplyAdd(q0, b, a00);
            a01 = TOps.MultiplyAdd(q1, b, a01);
            b = TOps.Broadcast(y1[t]);
            a10 = TOps.MultiplyAdd(q0, b, a10);
            a11 = TOps.MultiplyAdd(q1, b, a11);
            b = TOps.Broadcast(y2[t]);
            a20 = TOps.MultiplyAdd(q0, b, a20);
            a21 = TOps.MultiplyAdd(q1, b, a21);
            b = TOps.Broadcast(y3[t]);
            a30 = TOps.MultiplyAdd(q0, b, a30);
            a31 = TOps.MultiplyAdd(q1, b, a31);
            b = TOps.Broadcast(y4[t]);
            a40 = TOps.MultiplyAdd(q0, b, a40);
            a41 = TOps.MultiplyAdd(q1, b, a41);
            b = TOps.Broadcast(y5[t]);
            a50 = TOps.MultiplyAdd(q0, b, a50);
            a51 = TOps.MultiplyAdd(q1, b, a51);
            if (eight)
            {
                b = TOps.Broadcast(y6[t]);
                a60 = TOps.MultiplyAdd(q0, b, a60);
                a61 = TOps.MultiplyAdd(q1, b, a61);
                b = TOps.Broadcast(y7[t]);
                a70 = TOps.MultiplyAdd(q0, b, a70);
                a71 = TOps.MultiplyAdd(q1, b, a71);
            }
        }
        TOps.Store(a00, tile); TOps.Store(a01, tile + w);
        TOps.Store(a10, tile + g); TOps.Store(a11, tile + g + w);
        TOps.Store(a20, tile + 2 * g); TOps.Store(a21, tile + 2 * g + w);
        TOps.Store(a30, tile + 3 * g); TOps.Store(a31, tile + 3 * g + w);
        TOps.Store(a40, tile + 4 * g); TOps.Store(a41, tile + 4 * g + w);
        TOps.Store(a50, tile + 5 * g); TOps.Store(a51, tile + 5 * g + w);
        if (eight)
        {
            TOps.Store(a60, tile + 6 * g); TOps.Store(a61, tile + 6 * g + w);
            TOps.Store(a70, tile + 7 * g); TOps.Store(a71, tile + 7 * g + w);
        }
    }

    /// <summary>x·y for every query of the group and the one row <paramref name="y"/>, into tile[lane].</summary>
    private static void DotRow(float* packed, int d, float* y, float* tile)
    {
        var w = TOps.Lanes;
        var g = GroupWidth;
        TVec a0 = default, a1 = default;
        var q = packed;
        for (var t = 0; t < d; t++, q += g)
        {
            var b = TOps.Broadcast(y[t]);
            a0 = TOps.MultiplyAdd(TOps.Load(q), b, a0);
            a1 = TOps.MultiplyAdd(TOps.Load(q + w), b, a1);
        }
        TOps.Store(a0, tile);
        TOps.Store(a1, tile + w);
    }

    /// <summary>
    /// Turns one row's dot products at <paramref name="slot"/> (G floats of the tile) into scores, written back in
    /// place for <see cref="GroupTarget.Admit"/>. It must stay free of stackalloc: the JIT never inlines a method
    /// that has one, and a call per row (vectors passed through memory) cost twice the FMA loop itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Offer(float* slot, TVec alpha, float* norms, int row,
        ref TVec thr0, ref TVec thr1, in GroupTarget target, int* ids, int idBase)
    {
        var norm = TOps.Broadcast(norms is null ? 0f : norms[row]);
        var s0 = TOps.MultiplyAdd(TOps.Load(slot), alpha, norm);
        var s1 = TOps.MultiplyAdd(TOps.Load(slot + TOps.Lanes), alpha, norm);
        var winners = TOps.LessMask(s0, thr0) | TOps.LessMask(s1, thr1) << TOps.Lanes;
        if (winners == 0) return;
        TOps.Store(s0, slot);
        TOps.Store(s1, slot + TOps.Lanes);
        target.Admit(slot, winners, ids is null ? idBase + row : ids[row]);
        thr0 = TOps.Load(target.Thresholds);
        thr1 = TOps.Load(target.Thresholds + TOps.Lanes);
    }
}

/// <summary>
/// Where a packed group's results go: the heap of each lane's query, and each lane's admission threshold: the
/// next float above its heap's k-th score, so a tie reaches the heap, which ranks equal scores by id (a scan that
/// visits rows out of id order, as an IVF scan does, must not drop a tie with a smaller id); −∞ for lanes that hold
/// no query, so they never admit anything.
/// </summary>
internal readonly unsafe struct GroupTarget
{
    private readonly QueryHeaps _heaps;
    private readonly int* _heapOfLane;

    /// <param name="thresholds">Scratch for <paramref name="groupWidth"/> floats.</param>
    /// <param name="heapOfLane">The heap (query) index of each of the first <paramref name="lanes"/> lanes.</param>
    public GroupTarget(QueryHeaps heaps, int* heapOfLane, int lanes, int groupWidth, float* thresholds)
    {
        _heaps = heaps;
        _heapOfLane = heapOfLane;
        Thresholds = thresholds;
        for (var l = 0; l < groupWidth; l++)
            thresholds[l] = l < lanes ? AdmissionOf(heaps, heapOfLane[l]) : float.NegativeInfinity;
    }

    public float* Thresholds { get; }

    /// <summary>
    /// Offers row <paramref name="id"/>'s score <c>scores[l]</c> to lane l's heap for each lane l set in
    /// <paramref name="winners"/> (the lanes whose threshold it beats), visiting only those lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Admit(float* scores, uint winners, int id)
    {
        for (; winners != 0; winners &= winners - 1)
        {
            var l = System.Numerics.BitOperations.TrailingZeroCount(winners);
            var heap = _heapOfLane[l];
            _heaps.Push(heap, scores[l], id);
            Thresholds[l] = AdmissionOf(_heaps, heap);
        }
    }

    private static float AdmissionOf(QueryHeaps heaps, int heap) => MathF.BitIncrement(heaps.Threshold(heap));
}
