using System.Buffers;
using System.Numerics;
using System.Runtime.Intrinsics;
using KnnCli.Engine.Kernels;
using KnnCli.Engine.Training;

namespace KnnCli.Engine.Index;

/// <summary>
/// Exact L2 search that returns the full scan's results bit for bit while scoring a fraction of the database on
/// clustered data. The vectors are clustered into cells (k-means), each cell's vectors ordered farthest from its
/// centroid first. A query first scans its <see cref="FirstRoundCells"/> nearest cells whole; with the k-th best
/// score that gives, <see cref="QueryBound"/> then rules out whole cells (bisecting planes) and, within a cell,
/// every vector too near its centroid to be near the query (triangle inequality): only a prefix of each remaining
/// cell is scanned. Queries are bucketed by cell and scanned a packed group at a time by the exact kernel, so
/// every score is the one the full scan computes, and ties still go to the smaller id.
/// </summary>
internal sealed unsafe class PrunedFlatSearch
{
    private const int FirstRoundCells = 3;
    // Cells need only be compact, not the best k-means can do: a small sample trains them in a fraction of a scan.
    private const int PointsPerCentroid = 64;
    // A chunk keeps every query's distance to every centroid; this many queries keep that within a few MB.
    private const int ChunkQueries = 2048;

    private readonly int _dimension;
    private readonly CentroidTable _coarse;
    private readonly Cell[] _cells;
    private readonly CellBounds _bounds;

    /// <summary>A cell's vectors, farthest from the centroid first, with their ids, squared norms and distances to the centroid.</summary>
    private sealed record Cell(float[] Vectors, int[] Ids, float[] Norms, double[] Radii);

    private PrunedFlatSearch(int dimension, CentroidTable coarse, Cell[] cells, CellBounds bounds)
    {
        _dimension = dimension;
        _coarse = coarse;
        _cells = cells;
        _bounds = bounds;
    }

    /// <summary>Clusters <paramref name="vectors"/> into <paramref name="cellCount"/> cells; the vectors are copied.</summary>
    public static PrunedFlatSearch Build(ReadOnlySpan<float> vectors, int dimension, int cellCount, int seed, int iterations)
    {
        var d = dimension;
        var centroids = KMeans.Train(vectors, d, cellCount, seed, iterations, PointsPerCentroid);
        var quantizer = new CoarseQuantizer(d, IndexMetric.L2, centroids);
        var lists = CoarseQuantizer.GroupByList(quantizer.Probe(vectors, 1), cellCount);
        var cells = new Cell[cellCount];
        var maxNorms = new double[cellCount];
        for (var c = 0; c < cellCount; c++)
        {
            var centroid = centroids.AsSpan(c * d, d);
            var ids = lists[c];
            var radii = new double[ids.Length];
            for (var i = 0; i < ids.Length; i++)
                radii[i] = CellBounds.UpperBound(Math.Sqrt(VectorMath.SquaredDistanceInDouble(vectors.Slice(ids[i] * d, d), centroid)));
            Array.Sort(radii, ids, Comparer<double>.Create((a, b) => b.CompareTo(a)));
            var rows = new float[ids.Length * d];
            for (var i = 0; i < ids.Length; i++) vectors.Slice(ids[i] * d, d).CopyTo(rows.AsSpan(i * d, d));
            var norms = VectorMath.SquaredNorms(rows, d);
            cells[c] = new Cell(rows, ids, norms, radii);
            foreach (var norm in norms) maxNorms[c] = Math.Max(maxNorms[c], norm); // NaN propagates: such a cell is never pruned
        }
        return new PrunedFlatSearch(d, new CentroidTable(d, centroids), cells, new CellBounds(d, centroids, maxNorms));
    }

    /// <summary>
    /// Searches as <see cref="IKnnIndex.Search"/> does for an L2 flat index. Returns the (query, vector) pairs it
    /// scored, which a full scan would make queries × vectors.
    /// </summary>
    public long Search(ReadOnlySpan<float> queries, int k, Span<float> distances, Span<int> ids)
    {
        var nq = SearchBatch.QueryCount(queries, _dimension, k, distances, ids);
        var sizes = new int[nq];
        long scored = 0;
        fixed (float* q = queries, dist = distances)
        fixed (int* id = ids, size = sizes)
        {
            var (queriesPtr, distPtr, idPtr, sizePtr) = ((nint)q, (nint)dist, (nint)id, (nint)size);
            SearchBatch.ForEachChunk(nq, (first, last) =>
            {
                var heaps = new QueryHeaps((float*)distPtr, (int*)idPtr, (int*)sizePtr, k);
                for (var start = first; start < last; start += ChunkQueries)
                {
                    var end = Math.Min(last, start + ChunkQueries);
                    var chunkScored = KernelWidth.Wide
                        ? SearchChunk<Simd512, Vector512<float>>((float*)queriesPtr, start, end, heaps)
                        : SearchChunk<Simd256, Vector256<float>>((float*)queriesPtr, start, end, heaps);
                    Interlocked.Add(ref scored, chunkScored);
                }
            });
        }
        return scored;
    }

    /// <summary>Both rounds for queries first..last-1; returns the pairs scored.</summary>
    private long SearchChunk<TOps, TVec>(float* queries, int first, int last, QueryHeaps heaps)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var d = _dimension;
        var count = last - first;
        var cellCount = _cells.Length;
        var firstRound = Math.Min(FirstRoundCells, cellCount);
        var stride = _coarse.PaddedCount;
        var coarseArray = ArrayPool<float>.Shared.Rent(count * stride);
        var nearest = ArrayPool<int>.Shared.Rent(count * firstRound);
        var queryNorms = ArrayPool<float>.Shared.Rent(count);
        var bucketStart = ArrayPool<int>.Shared.Rent(cellCount + 1);
        var bucket = ArrayPool<int>.Shared.Rent(count * firstRound);
        var keys = ArrayPool<long>.Shared.Rent(count);
        var scanner = new GroupScanner<TOps, TVec>(queries, d, heaps);
        try
        {
            fixed (float* coarse = coarseArray)
            {
                for (var i = 0; i < count; i++)
                {
                    var row = queries + (long)(first + i) * d;
                    queryNorms[i] = VectorMath.Dot(row, row, d);
                    _coarse.Distances(row, queryNorms[i], coarse + (long)i * stride);
                    Nearest(new ReadOnlySpan<float>(coarse + (long)i * stride, cellCount), nearest.AsSpan(i * firstRound, firstRound));
                }

                // Round 1: every query's nearest cells, whole, with the queries bucketed by cell.
                ProbeBuckets.Fill(nearest.AsSpan(0, count * firstRound), firstRound, first, bucketStart.AsSpan(0, cellCount + 1), bucket.AsSpan(0, count * firstRound));
                long scored = 0;
                for (var c = 0; c < cellCount; c++)
                {
                    for (var at = bucketStart[c]; at < bucketStart[c + 1] && _cells[c].Ids.Length > 0; at += scanner.GroupWidth)
                        scored += scanner.Scan(_cells[c], bucket.AsSpan(at, Math.Min(scanner.GroupWidth, bucketStart[c + 1] - at)), _cells[c].Ids.Length);
                }

                // Round 2: cell by cell, the queries whose bound (with their heap's current k-th score) leaves some of
                // the cell, longest prefix first so a group's queries need similar prefixes.
                var lanes = new int[scanner.GroupWidth];
                for (var c = 0; c < cellCount; c++)
                {
                    var cell = _cells[c];
                    var size = cell.Ids.Length;
                    if (size == 0) continue;
                    var m = 0;
                    for (var i = 0; i < count; i++)
                    {
                        if (nearest.AsSpan(i * firstRound, firstRound).Contains(c)) continue;
                        var nearestCell = nearest[i * firstRound];
                        var bound = new QueryBound(_bounds, queryNorms[i], nearestCell, coarse[(long)i * stride + nearestCell], heaps.Threshold(first + i));
                        var rows = bound.RowsToScan(c, coarse[(long)i * stride + c], cell.Radii);
                        if (rows > 0) keys[m++] = (long)(size - rows) << 32 | (uint)i;
                    }
                    keys.AsSpan(0, m).Sort();
                    for (var at = 0; at < m; at += lanes.Length)
                    {
                        var group = Math.Min(lanes.Length, m - at);
                        for (var l = 0; l < group; l++) lanes[l] = first + (int)keys[at + l];
                        scored += scanner.Scan(cell, lanes.AsSpan(0, group), size - (int)(keys[at] >> 32));
                    }
                }
                ExactSearch.Finish(heaps.Offset(first), queries + (long)first * d, count, d, l2: true);
                return scored;
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(coarseArray);
            ArrayPool<int>.Shared.Return(nearest);
            ArrayPool<float>.Shared.Return(queryNorms);
            ArrayPool<int>.Shared.Return(bucketStart);
            ArrayPool<int>.Shared.Return(bucket);
            ArrayPool<long>.Shared.Return(keys);
            scanner.Dispose();
        }
    }

    /// <summary>
    /// The cells of the <paramref name="nearest"/>.Length smallest coarse distances, nearest first (ties to the
    /// lower cell); cells whose distance does not compare (NaN) rank as infinitely far.
    /// </summary>
    private static void Nearest(ReadOnlySpan<float> distances, Span<int> nearest)
    {
        var found = 0;
        for (var cell = 0; cell < distances.Length; cell++)
        {
            var key = Comparable(distances[cell]);
            int at;
            if (found < nearest.Length) at = found++;
            else if (key < Comparable(distances[nearest[^1]])) at = nearest.Length - 1;
            else continue;
            for (; at > 0 && key < Comparable(distances[nearest[at - 1]]); at--) nearest[at] = nearest[at - 1];
            nearest[at] = cell;
        }
    }

    private static float Comparable(float distance) => float.IsNaN(distance) ? float.PositiveInfinity : distance;

    /// <summary>Packs a group of queries and scans a prefix of a cell into their heaps with the exact kernel.</summary>
    private sealed class GroupScanner<TOps, TVec>(float* queries, int dimension, QueryHeaps heaps) : IDisposable
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        private readonly float[] _packed = ArrayPool<float>.Shared.Rent(dimension * BlockKernel<TOps, TVec>.GroupWidth);
        private readonly float[] _thresholds = new float[BlockKernel<TOps, TVec>.GroupWidth];

        public int GroupWidth => BlockKernel<TOps, TVec>.GroupWidth;

        /// <summary>Scans the first <paramref name="rows"/> vectors of <paramref name="cell"/> for each query of <paramref name="group"/>; returns the pairs scored.</summary>
        public long Scan(Cell cell, ReadOnlySpan<int> group, int rows)
        {
            fixed (float* packed = _packed, thresholds = _thresholds, vectors = cell.Vectors, norms = cell.Norms)
            fixed (int* lanes = group, ids = cell.Ids)
            {
                BlockKernel<TOps, TVec>.Pack(queries, dimension, lanes, 0, group.Length, packed);
                var target = new GroupTarget(heaps, lanes, group.Length, GroupWidth, thresholds);
                BlockKernel<TOps, TVec>.Scan(packed, dimension, target, vectors, rows, norms, ids, 0);
            }
            return (long)rows * group.Length;
        }

        public void Dispose() => ArrayPool<float>.Shared.Return(_packed);
    }
}

/// <summary>
/// The centroids stored dimension-major (padded to whole register tiles), so one query's distances to all of them
/// come from broadcasting each coordinate into a row of accumulators: nlist · d FMAs, no selection.
/// </summary>
internal sealed unsafe class CentroidTable
{
    private static readonly int Lanes = Vector<float>.Count;
    private const int TileVectors = 8;

    private readonly int _dimension;
    private readonly float[] _transposed;
    private readonly float[] _norms;

    public CentroidTable(int dimension, float[] centroids)
    {
        _dimension = dimension;
        var count = centroids.Length / dimension;
        PaddedCount = (count + Lanes * TileVectors - 1) / (Lanes * TileVectors) * (Lanes * TileVectors);
        _transposed = new float[dimension * PaddedCount];
        _norms = new float[PaddedCount];
        var norms = VectorMath.SquaredNorms(centroids, dimension);
        for (var c = 0; c < count; c++)
        {
            _norms[c] = norms[c];
            for (var t = 0; t < dimension; t++) _transposed[t * PaddedCount + c] = centroids[c * dimension + t];
        }
    }

    /// <summary>Floats <see cref="Distances"/> writes: the centroid count rounded up to whole tiles.</summary>
    public int PaddedCount { get; }

    /// <summary>
    /// ‖x − c‖² for every centroid, computed as the exact kernel computes scores (‖c‖² − 2x·c, coordinates
    /// accumulated in order with FMA) plus the query's squared norm; the padding's values mean nothing.
    /// </summary>
    public void Distances(float* query, float queryNorm, float* output)
    {
        var d = _dimension;
        var stride = PaddedCount;
        var norm = new Vector<float>(queryNorm);
        fixed (float* transposed = _transposed, norms = _norms)
        {
            for (var tile = 0; tile < stride; tile += Lanes * TileVectors)
            {
                Vector<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
                var column = transposed + tile;
                for (var t = 0; t < d; t++, column += stride)
                {
                    var x = new Vector<float>(query[t]);
                    a0 = Vector.FusedMultiplyAdd(x, Vector.Load(column), a0);
                    a1 = Vector.FusedMultiplyAdd(x, Vector.Load(column + Lanes), a1);
                    a2 = Vector.FusedMultiplyAdd(x, Vector.Load(column + 2 * Lanes), a2);
                    a3 = Vector.FusedMultiplyAdd(x, Vector.Load(column + 3 * Lanes), a3);
                    a4 = Vector.FusedMultiplyAdd(x, Vector.Load(column + 4 * Lanes), a4);
                    a5 = Vector.FusedMultiplyAdd(x, Vector.Load(column + 5 * Lanes), a5);
                    a6 = Vector.FusedMultiplyAdd(x, Vector.Load(column + 6 * Lanes), a6);
                    a7 = Vector.FusedMultiplyAdd(x, Vector.Load(column + 7 * Lanes), a7);
                }
                var at = tile;
                Finish(a0, norms + at, norm, output + at);
                Finish(a1, norms + (at += Lanes), norm, output + at);
                Finish(a2, norms + (at += Lanes), norm, output + at);
                Finish(a3, norms + (at += Lanes), norm, output + at);
                Finish(a4, norms + (at += Lanes), norm, output + at);
                Finish(a5, norms + (at += Lanes), norm, output + at);
                Finish(a6, norms + (at += Lanes), norm, output + at);
                Finish(a7, norms + (at += Lanes), norm, output + at);
            }
        }
    }

    /// <summary>Kernel score ‖c‖² − 2x·c (one FMA, as the exact kernel rounds it) plus ‖x‖².</summary>
    private static void Finish(Vector<float> dot, float* norms, Vector<float> queryNorm, float* output) =>
        Vector.Store(Vector.FusedMultiplyAdd(dot, new Vector<float>(-2f), Vector.Load(norms)) + queryNorm, output);
}
