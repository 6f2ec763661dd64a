using System.Buffers;
using System.Numerics;
using KnnCli.Engine.Kernels;
using KnnCli.Engine.Training;

namespace KnnCli.Engine.Index;

/// <summary>
/// faiss IndexIVFPQ (by_residual = true, 8 bits per code, L2): each vector is stored as the product-quantizer code
/// of its residual from its list's centroid, M bytes per vector. A query computes, per probed list, a table of
/// squared distances from its residual to every codebook entry and sums M table lookups per stored vector
/// (asymmetric distance computation). As faiss does with its precomputed tables, the table splits into
/// ‖q − c‖² (from the coarse search), a per-list term ‖b‖² + 2⟨c, b⟩ computed once per index, and a per-query
/// term −2⟨q, b⟩ computed once per query, so a probe costs M × 256 additions instead of 256 × d. Vectors whose dimension M does not divide are zero-padded to
/// <see cref="PaddedDimension"/>, as SageMaker does.
/// </summary>
public sealed unsafe class IvfPqIndex : IIvfIndex
{
    public const int BitsPerCode = 8;
    public const int CodebookSize = 1 << BitsPerCode;

    private readonly CoarseQuantizer _quantizer;
    private readonly int[][] _listIds;
    private readonly byte[][] _listCodes;
    private float[]? _listTerms;
    private int _nprobe;

    /// <param name="dimension">Features of a query (before padding).</param>
    /// <param name="paddedDimension">The dimension the quantizers work in: a multiple of <paramref name="subQuantizers"/>, at least <paramref name="dimension"/>.</param>
    /// <param name="centroids">nlist × paddedDimension coarse centroids.</param>
    /// <param name="pqCodebooks">M × 256 × (paddedDimension / M) sub-quantizer centroids.</param>
    /// <param name="listCodes">Per list, M code bytes per vector, in the order of its ids.</param>
    public IvfPqIndex(int dimension, int paddedDimension, float[] centroids, int subQuantizers, float[] pqCodebooks,
        IReadOnlyList<int[]> listIds, IReadOnlyList<byte[]> listCodes, int nprobe)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(subQuantizers, 1);
        if (paddedDimension < dimension || paddedDimension % subQuantizers != 0)
            throw new ArgumentException($"The padded dimension {paddedDimension} must be a multiple of M = {subQuantizers} and at least {dimension}.", nameof(paddedDimension));
        if (pqCodebooks.Length != subQuantizers * CodebookSize * (paddedDimension / subQuantizers))
            throw new ArgumentException($"PQ codebooks need M × 256 × dsub = {subQuantizers * CodebookSize * (paddedDimension / subQuantizers)} floats, got {pqCodebooks.Length}.", nameof(pqCodebooks));
        _quantizer = new CoarseQuantizer(paddedDimension, IndexMetric.L2, centroids);
        if (listIds.Count != _quantizer.ListCount || listCodes.Count != _quantizer.ListCount)
            throw new ArgumentException($"An index with {_quantizer.ListCount} centroids needs {_quantizer.ListCount} lists of ids and of codes.");
        for (var l = 0; l < listIds.Count; l++)
        {
            if (listCodes[l].Length != listIds[l].Length * subQuantizers)
                throw new ArgumentException($"List {l} has {listIds[l].Length} ids but {listCodes[l].Length} code bytes.");
        }
        Dimension = dimension;
        PaddedDimension = paddedDimension;
        SubQuantizers = subQuantizers;
        Centroids = centroids;
        PqCodebooks = pqCodebooks;
        _listIds = [.. listIds];
        _listCodes = [.. listCodes];
        Count = _listIds.Sum(ids => ids.Length);
        Nprobe = nprobe;
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
            var codebook = KMeans.Train(sub, dsub, CodebookSize, seed + 1 + m);
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

    public int Dimension { get; }

    /// <summary>The dimension the coarse centroids and codebooks have: <see cref="Dimension"/> zero-padded to a multiple of M.</summary>
    public int PaddedDimension { get; }

    public int Count { get; }

    /// <summary>IVFPQ is L2 only (SageMaker refuses INNER_PRODUCT and COSINE with it).</summary>
    public IndexMetric Metric => IndexMetric.L2;

    /// <summary>M: sub-quantizers, and code bytes per vector.</summary>
    public int SubQuantizers { get; }

    /// <summary>Residuals are encoded relative to the list's centroid (faiss by_residual).</summary>
    public bool ByResidual => true;

    public float[] Centroids { get; }

    /// <summary>M × 256 × dsub floats: sub-quantizer m's centroid c starts at (m × 256 + c) × dsub.</summary>
    public float[] PqCodebooks { get; }

    public int ListCount => _quantizer.ListCount;

    public IReadOnlyList<int[]> ListIds => _listIds;

    /// <summary>Per list, M code bytes per vector in the order of <see cref="ListIds"/>.</summary>
    public IReadOnlyList<byte[]> ListCodes => _listCodes;

    public int Nprobe
    {
        get => _nprobe;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _nprobe = Math.Min(value, ListCount);
        }
    }

    public void Search(ReadOnlySpan<float> queries, int k, Span<float> distances, Span<int> ids)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var nq = queries.Length / Dimension;
        if (distances.Length < nq * k || ids.Length < nq * k)
            throw new ArgumentException("Result buffers are smaller than queries × k.");
        var padded = Pad(queries, Dimension, PaddedDimension);
        var nprobe = Nprobe;
        var (probes, coarseDistances) = _quantizer.ProbeWithDistances(padded, nprobe);
        var listTerms = LazyInitializer.EnsureInitialized(ref _listTerms, ComputeListTerms);
        var sizes = new int[nq];
        var chunks = Math.Min(nq, Environment.ProcessorCount);
        fixed (float* q = padded, dist = distances)
        fixed (int* id = ids, size = sizes)
        {
            var (queriesPtr, distPtr, idPtr, sizePtr) = ((nint)q, (nint)dist, (nint)id, (nint)size);
            Parallel.For(0, chunks, c =>
            {
                var first = (int)((long)nq * c / chunks);
                var last = (int)((long)nq * (c + 1) / chunks);
                var heaps = new QueryHeaps((float*)distPtr, (int*)idPtr, (int*)sizePtr, k);
                SearchChunk((float*)queriesPtr, first, last, probes, coarseDistances, nprobe, listTerms, heaps);
            });
        }
    }

    /// <summary>Per list l, sub-quantizer m and code c: ‖b_mc‖² + 2⟨centroid_l restricted to m, b_mc⟩.</summary>
    private float[] ComputeListTerms()
    {
        var d = PaddedDimension;
        var m = SubQuantizers;
        var dsub = d / m;
        var terms = new float[ListCount * m * CodebookSize];
        fixed (float* codebooks = PqCodebooks, centroids = Centroids)
        {
            var (codebookPtr, centroidPtr) = ((nint)codebooks, (nint)centroids);
            Parallel.For(0, ListCount, list =>
            {
                for (var s = 0; s < m; s++)
                {
                    var centroid = (float*)centroidPtr + (long)list * d + s * dsub;
                    for (var c = 0; c < CodebookSize; c++)
                    {
                        var entry = (float*)codebookPtr + (long)(s * CodebookSize + c) * dsub;
                        terms[(list * m + s) * CodebookSize + c] = VectorMath.Dot(entry, entry, dsub) + 2 * VectorMath.Dot(centroid, entry, dsub);
                    }
                }
            });
        }
        return terms;
    }

    private void SearchChunk(float* queries, int first, int last, int[] probes, float[] coarseDistances, int nprobe, float[] listTerms, QueryHeaps heaps)
    {
        var d = PaddedDimension;
        var m = SubQuantizers;
        var dsub = d / m;
        var tableSize = m * CodebookSize;
        var queryTerms = ArrayPool<float>.Shared.Rent(tableSize);
        var table = ArrayPool<float>.Shared.Rent(tableSize);
        try
        {
            fixed (float* codebooks = PqCodebooks, queryTerm = queryTerms, distances = table, terms = listTerms)
            {
                for (var query = first; query < last; query++)
                {
                    var x = queries + (long)query * d;
                    for (var s = 0; s < m; s++)
                        for (var c = 0; c < CodebookSize; c++)
                            queryTerm[s * CodebookSize + c] = -2 * VectorMath.Dot(x + s * dsub, codebooks + (s * CodebookSize + c) * dsub, dsub);
                    for (var p = 0; p < nprobe; p++)
                    {
                        var list = probes[query * nprobe + p];
                        var listTerm = terms + (long)list * tableSize;
                        var i = 0;
                        for (; i + Vector<float>.Count <= tableSize; i += Vector<float>.Count)
                            (Vector.Load(listTerm + i) + Vector.Load(queryTerm + i)).Store(distances + i);
                        for (; i < tableSize; i++) distances[i] = listTerm[i] + queryTerm[i];
                        ScanList(list, coarseDistances[query * nprobe + p], distances, query, heaps);
                    }
                    heaps.SortAndPad(query, new L2Finisher(0f));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(queryTerms);
            ArrayPool<float>.Shared.Return(table);
        }
    }

    /// <summary>Adds up each stored vector's M table entries and offers the sum to the query's heap.</summary>
    private void ScanList(int list, float coarseDistance, float* table, int query, QueryHeaps heaps)
    {
        var m = SubQuantizers;
        var ids = _listIds[list];
        var threshold = heaps.Threshold(query);
        fixed (byte* codes = _listCodes[list])
        {
            for (var i = 0; i < ids.Length; i++)
            {
                var code = codes + (long)i * m;
                var distance = coarseDistance;
                for (var s = 0; s < m; s++) distance += table[s * CodebookSize + code[s]];
                if (distance >= threshold) continue;
                heaps.Push(query, distance, ids[i]);
                threshold = heaps.Threshold(query);
            }
        }
    }

    /// <summary>Rows of <paramref name="dimension"/> floats copied into rows of <paramref name="padded"/>, zero-filled.</summary>
    private static float[] Pad(ReadOnlySpan<float> rows, int dimension, int padded)
    {
        if (padded == dimension) return rows.ToArray();
        var count = rows.Length / dimension;
        var result = new float[count * padded];
        for (var i = 0; i < count; i++) rows.Slice(i * dimension, dimension).CopyTo(result.AsSpan(i * padded, dimension));
        return result;
    }
}
