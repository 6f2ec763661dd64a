using System.Buffers;
using System.Numerics;
using System.Runtime.Intrinsics;
using KnnCli.Engine.Kernels;
using KnnCli.Engine.Training;

namespace KnnCli.Engine.Index;

/// <summary>
/// faiss IndexIVFPQ (by_residual = true, 8 bits per code, L2): each vector is stored as the product-quantizer code
/// of its residual from its list's centroid, M bytes per vector. A query computes, per probed list, a table of
/// squared distances from its residual to every codebook entry and sums M table lookups per stored vector
/// (asymmetric distance computation). As faiss does with its precomputed tables, the table splits into
/// ‖q − c‖² (from the coarse search), a per-list term ‖b‖² + 2⟨c, b⟩ computed once per index, and a per-query
/// term −2⟨q, b⟩ computed once per query, so a probe costs M × 256 additions instead of 256 × d. Both inner-product
/// terms are one matrix product: the vector times the block-diagonal d × (M·256) matrix of codebook entries, stored
/// transposed so each coordinate updates 256 contiguous entries at once. Vectors whose dimension M does not divide
/// are zero-padded to <see cref="PaddedDimension"/>, as SageMaker does.
/// </summary>
public sealed unsafe class IvfPqIndex : IvfIndex
{
    public const int BitsPerCode = 8;
    public const int CodebookSize = 1 << BitsPerCode;

    private readonly byte[][] _listCodes;
    private readonly float[] _productBasis;
    private float[]? _listTerms;
    private byte[][]? _blockedCodes;

    /// <param name="dimension">Features of a query (before padding).</param>
    /// <param name="paddedDimension">The dimension the quantizers work in: a multiple of <paramref name="subQuantizers"/>, at least <paramref name="dimension"/>.</param>
    /// <param name="centroids">nlist × paddedDimension coarse centroids.</param>
    /// <param name="pqCodebooks">M × 256 × (paddedDimension / M) sub-quantizer centroids.</param>
    /// <param name="listCodes">Per list, M code bytes per vector, in the order of its ids.</param>
    public IvfPqIndex(int dimension, int paddedDimension, float[] centroids, int subQuantizers, float[] pqCodebooks,
        IReadOnlyList<int[]> listIds, IReadOnlyList<byte[]> listCodes, int nprobe)
        : base(dimension, CheckedPadding(dimension, paddedDimension, subQuantizers), IndexMetric.L2, centroids, listIds, nprobe)
    {
        if (pqCodebooks.Length != subQuantizers * CodebookSize * (paddedDimension / subQuantizers))
            throw new ArgumentException($"PQ codebooks need M × 256 × dsub = {subQuantizers * CodebookSize * (paddedDimension / subQuantizers)} floats, got {pqCodebooks.Length}.", nameof(pqCodebooks));
        if (listCodes.Count != ListCount)
            throw new ArgumentException($"An index with {ListCount} centroids needs {ListCount} lists of codes.", nameof(listCodes));
        for (var l = 0; l < listIds.Count; l++)
        {
            if (listCodes[l].Length != listIds[l].Length * subQuantizers)
                throw new ArgumentException($"List {l} has {listIds[l].Length} ids but {listCodes[l].Length} code bytes.");
        }
        PaddedDimension = paddedDimension;
        SubQuantizers = subQuantizers;
        PqCodebooks = pqCodebooks;
        _listCodes = [.. listCodes];
        _productBasis = ProductBasis(pqCodebooks, paddedDimension, subQuantizers);
    }

    private static int CheckedPadding(int dimension, int paddedDimension, int subQuantizers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(subQuantizers, 1);
        if (paddedDimension < dimension || paddedDimension % subQuantizers != 0)
            throw new ArgumentException($"The padded dimension {paddedDimension} must be a multiple of M = {subQuantizers} and at least {dimension}.", nameof(paddedDimension));
        return paddedDimension;
    }

    /// <summary>
    /// Trains the coarse quantizer (k-means, nlist centroids) and the product quantizer (k-means with 256
    /// centroids per sub-space, on residuals) on <paramref name="vectors"/>, then encodes and adds them all.
    /// </summary>
    public static IvfPqIndex Train(ReadOnlySpan<float> vectors, int dimension, int nlist, int subQuantizers, int nprobe, int seed)
    {
        var padded = (dimension + subQuantizers - 1) / subQuantizers * subQuantizers;
        var data = Pad(vectors, dimension, padded);
        var count = data.Length / padded;
        var centroids = KMeans.Train(data, padded, nlist, seed);
        var quantizer = new CoarseQuantizer(padded, IndexMetric.L2, centroids);
        var assignment = quantizer.Probe(data, 1);
        var residuals = data; // reused in place: the padded copy is ours
        for (var i = 0; i < count; i++)
        {
            var row = residuals.AsSpan(i * padded, padded);
            var centroid = quantizer.Centroid(assignment[i]);
            for (var t = 0; t < padded; t++) row[t] -= centroid[t];
        }

        var dsub = padded / subQuantizers;
        var codebooks = new float[subQuantizers * CodebookSize * dsub];
        var codes = new byte[count * subQuantizers];
        var sub = new float[count * dsub];
        var nearest = new int[count];
        var unused = new float[count];
        for (var m = 0; m < subQuantizers; m++)
        {
            for (var i = 0; i < count; i++) residuals.AsSpan(i * padded + m * dsub, dsub).CopyTo(sub.AsSpan(i * dsub, dsub));
            var codebook = KMeans.Train(sub, dsub, CodebookSize, seed + 1 + m, KMeans.ProductQuantizerIterations);
            codebook.CopyTo(codebooks, m * CodebookSize * dsub);
            new FlatIndex(dsub, IndexMetric.L2, codebook).Search(sub, 1, unused, nearest);
            for (var i = 0; i < count; i++) codes[i * subQuantizers + m] = (byte)nearest[i];
        }

        var listIds = CoarseQuantizer.GroupByList(assignment, nlist);
        var listCodes = new byte[nlist][];
        for (var l = 0; l < nlist; l++)
        {
            var ids = listIds[l];
            var listCode = listCodes[l] = new byte[ids.Length * subQuantizers];
            for (var i = 0; i < ids.Length; i++) codes.AsSpan(ids[i] * subQuantizers, subQuantizers).CopyTo(listCode.AsSpan(i * subQuantizers));
        }
        return new IvfPqIndex(dimension, padded, centroids, subQuantizers, codebooks, listIds, listCodes, nprobe);
    }

    /// <summary>The dimension the coarse centroids and codebooks have: <see cref="IvfIndex.Dimension"/> zero-padded to a multiple of M.</summary>
    public int PaddedDimension { get; }

    /// <summary>M: sub-quantizers, and code bytes per vector.</summary>
    public int SubQuantizers { get; }

    /// <summary>Residuals are encoded relative to the list's centroid (faiss by_residual).</summary>
    public bool ByResidual => true;

    /// <summary>M × 256 × dsub floats: sub-quantizer m's centroid c starts at (m × 256 + c) × dsub.</summary>
    public float[] PqCodebooks { get; }

    /// <summary>Per list, M code bytes per vector in the order of <see cref="IvfIndex.ListIds"/>.</summary>
    public IReadOnlyList<byte[]> ListCodes => _listCodes;

    private protected override ReadOnlySpan<float> PrepareQueries(ReadOnlySpan<float> queries) =>
        PaddedDimension == Dimension ? queries : Pad(queries, Dimension, PaddedDimension);

    /// <summary>
    /// The codebooks as the block-diagonal matrix of the table product, transposed and scaled by −2: entry
    /// (t, c) of sub-quantizer s = t / dsub is −2 b_sc[t mod dsub], at t × 256 + c.
    /// </summary>
    private static float[] ProductBasis(float[] codebooks, int d, int m)
    {
        var dsub = d / m;
        var basis = new float[d * CodebookSize];
        for (var s = 0; s < m; s++)
            for (var c = 0; c < CodebookSize; c++)
                for (var t = 0; t < dsub; t++)
                    basis[(s * dsub + t) * CodebookSize + c] = -2 * codebooks[(s * CodebookSize + c) * dsub + t];
        return basis;
    }

    /// <summary>table[s × 256 + c] = −2⟨x restricted to sub-space s, b_sc⟩ for every s and c: x times the product basis.</summary>
    private void InnerProductTable(float* x, float* table)
    {
        var dsub = PaddedDimension / SubQuantizers;
        fixed (float* basis = _productBasis)
        {
            for (var s = 0; s < SubQuantizers; s++)
            {
                var row = table + s * CodebookSize;
                var first = s * dsub;
                VectorMath.Scale(basis + (long)first * CodebookSize, x[first], row, CodebookSize);
                for (var t = first + 1; t < first + dsub; t++)
                    VectorMath.MultiplyAdd(basis + (long)t * CodebookSize, x[t], row, CodebookSize);
            }
        }
    }

    /// <summary>Per list l, sub-quantizer m and code c: ‖b_mc‖² + 2⟨centroid_l restricted to m, b_mc⟩.</summary>
    private float[] ComputeListTerms()
    {
        var d = PaddedDimension;
        var m = SubQuantizers;
        var dsub = d / m;
        var tableSize = m * CodebookSize;
        var entryNorms = VectorMath.SquaredNorms(PqCodebooks, dsub);
        var terms = new float[ListCount * tableSize];
        fixed (float* centroids = Centroids, output = terms, norms = entryNorms)
        {
            var (centroidPtr, outputPtr, normPtr) = ((nint)centroids, (nint)output, (nint)norms);
            Parallel.For(0, ListCount, list =>
            {
                var table = (float*)outputPtr + (long)list * tableSize;
                InnerProductTable((float*)centroidPtr + (long)list * d, table);
                for (var i = 0; i < tableSize; i++) table[i] = ((float*)normPtr)[i] - table[i];
            });
        }
        return terms;
    }

    private protected override void SearchPreassigned(in ProbedBatch batch, int first, int last, QueryHeaps heaps)
    {
        var listTerms = LazyInitializer.EnsureInitialized(ref _listTerms, ComputeListTerms);
        var byteTables = ByteTableScan.Enabled;
        var blockedCodes = byteTables ? LazyInitializer.EnsureInitialized(ref _blockedCodes, () => [.. _listCodes.Select(codes => ByteTableScan.Interleave(codes, SubQuantizers))]) : null;
        var tableSize = SubQuantizers * CodebookSize;
        var queryTerms = ArrayPool<float>.Shared.Rent(tableSize);
        var table = ArrayPool<float>.Shared.Rent(tableSize);
        var bytes = ArrayPool<byte>.Shared.Rent(tableSize);
        try
        {
            fixed (float* queryTerm = queryTerms, distances = table, terms = listTerms)
            fixed (byte* quantized = bytes)
            {
                for (var query = first; query < last; query++)
                {
                    InnerProductTable(batch.Query(query), queryTerm);
                    for (var p = 0; p < batch.Nprobe; p++)
                    {
                        var list = batch.List(query, p);
                        var listTerm = terms + (long)list * tableSize;
                        var coarse = batch.CoarseDistance(query, p);
                        if (!byteTables) VectorMath.Add(listTerm, queryTerm, distances, tableSize);
                        else if (ByteTableScan.TryQuantize(listTerm, queryTerm, distances, SubQuantizers, quantized, out var byteTable))
                        {
                            ScanListWithByteTable(list, coarse, distances, quantized, byteTable, blockedCodes![list], query, heaps);
                            continue;
                        }
                        ScanList(list, coarse, distances, query, heaps);
                    }
                    heaps.SortAndPad(query, new L2Finisher(0f));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(queryTerms);
            ArrayPool<float>.Shared.Return(table);
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>Vectors whose distances <see cref="ScanList"/> sums before offering them: 1 KB of floats on the stack.</summary>
    private const int SumChunk = 256;

    /// <summary>
    /// Adds up each stored vector's M table entries and offers the sum to the query's heap, a chunk at a time:
    /// first every distance of the chunk (<see cref="PqTableSums.Sum"/>), then eight compared with the threshold
    /// at once, so only the few that beat it reach the heap, in list order.
    /// </summary>
    private void ScanList(int list, float coarseDistance, float* table, int query, QueryHeaps heaps)
    {
        var m = SubQuantizers;
        var ids = ListIdsOf(list);
        var threshold = heaps.Threshold(query);
        var distances = stackalloc float[SumChunk];
        fixed (byte* codes = _listCodes[list])
        {
            for (var start = 0; start < ids.Length; start += SumChunk)
            {
                var count = Math.Min(SumChunk, ids.Length - start);
                PqTableSums.Sum(codes + (long)start * m, count, m, coarseDistance, table, distances);
                var i = 0;
                for (; i + Vector256<float>.Count <= count; i += Vector256<float>.Count)
                {
                    var below = Vector256.LessThan(Vector256.Load(distances + i), Vector256.Create(threshold)).ExtractMostSignificantBits();
                    for (; below != 0; below &= below - 1)
                    {
                        var lane = i + BitOperations.TrailingZeroCount(below);
                        Offer(distances[lane], ids[start + lane], query, heaps, ref threshold);
                    }
                }
                for (; i < count; i++) Offer(distances[i], ids[start + i], query, heaps, ref threshold);
            }
        }
    }

    /// <summary>
    /// <see cref="ScanList"/> with the byte table screening each block of 64 vectors first: only a vector whose
    /// byte-sum bound is below the heap's threshold is summed from the float table, in the same order, so it
    /// offers the same distances to the heap in the same order, less the ones the heap would refuse.
    /// </summary>
    private void ScanListWithByteTable(int list, float coarseDistance, float* table, byte* bytes, in ByteTableScan.Table byteTable,
        byte[] blocked, int query, QueryHeaps heaps)
    {
        var m = SubQuantizers;
        var ids = ListIdsOf(list);
        var threshold = heaps.Threshold(query);
        fixed (byte* codes = _listCodes[list], blocks = blocked)
        {
            for (var start = 0; start < ids.Length; start += ByteTableScan.BlockSize)
            {
                var limit = ByteTableScan.Limit(byteTable, coarseDistance, threshold, m);
                if (limit == 0) return;
                var candidates = ByteTableScan.Candidates(blocks + (long)start * m, bytes, m, limit);
                var lanes = ids.Length - start;
                if (lanes < ByteTableScan.BlockSize) candidates &= (1UL << lanes) - 1;
                for (; candidates != 0; candidates &= candidates - 1)
                {
                    var i = start + BitOperations.TrailingZeroCount(candidates);
                    Offer(PqTableSums.One(coarseDistance, table, codes + (long)i * m, m), ids[i], query, heaps, ref threshold);
                }
            }
        }
    }

    private static void Offer(float distance, int id, int query, QueryHeaps heaps, ref float threshold)
    {
        if (distance >= threshold) return;
        heaps.Push(query, distance, id);
        threshold = heaps.Threshold(query);
    }

    /// <summary>Rows of <paramref name="dimension"/> floats copied into rows of <paramref name="padded"/>, zero-filled.</summary>
    private static float[] Pad(ReadOnlySpan<float> rows, int dimension, int padded)
    {
        var count = rows.Length / dimension;
        var result = new float[count * padded];
        for (var i = 0; i < count; i++) rows.Slice(i * dimension, dimension).CopyTo(result.AsSpan(i * padded, dimension));
        return result;
    }
}
