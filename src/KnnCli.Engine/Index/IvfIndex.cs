using KnnCli.Engine.Kernels;

namespace KnnCli.Engine.Index;

/// <summary>
/// An inverted-file index, as faiss's IndexIVF: this class owns the coarse quantizer, the inverted lists (the ids
/// of each list) and probing; a subclass owns how a list's vectors are stored (whole for IVFFlat, PQ codes for
/// IVFPQ) and how a probed list is scanned. A search probes every query's nprobe nearest lists, splits the
/// queries over the cores and hands each range, with its probes, to <see cref="SearchPreassigned"/>.
/// </summary>
public abstract unsafe class IvfIndex : IKnnIndex
{
    private readonly CoarseQuantizer _quantizer;
    private readonly int[][] _listIds;

    /// <param name="dimension">Features of a query.</param>
    /// <param name="quantizerDimension">The dimension the centroids and stored vectors have (at least <paramref name="dimension"/>; see <see cref="PrepareQueries"/>).</param>
    /// <param name="centroids">nlist × quantizerDimension coarse centroids, row-major.</param>
    /// <param name="listIds">Per list, the ids of its vectors.</param>
    /// <param name="nprobe">The default number of lists a search visits, as stored in the model file.</param>
    private protected IvfIndex(int dimension, int quantizerDimension, IndexMetric metric, float[] centroids, IReadOnlyList<int[]> listIds, int nprobe)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (metric == IndexMetric.Cosine)
            throw new ArgumentException("An IVF index stores L2 or inner product; cosine is inner product over normalised vectors.", nameof(metric));
        _quantizer = new CoarseQuantizer(quantizerDimension, metric, centroids);
        if (listIds.Count != _quantizer.ListCount)
            throw new ArgumentException($"An index with {_quantizer.ListCount} centroids needs {_quantizer.ListCount} lists.", nameof(listIds));
        Dimension = dimension;
        Metric = metric;
        Centroids = centroids;
        _listIds = [.. listIds];
        Count = _listIds.Sum(ids => ids.Length);
        Nprobe = _quantizer.ValidNprobe(nprobe);
    }

    public int Dimension { get; }

    public int Count { get; }

    public IndexMetric Metric { get; }

    /// <summary>Coarse centroids, row-major, <see cref="ListCount"/> rows.</summary>
    public float[] Centroids { get; }

    /// <summary>nlist: the number of centroids and inverted lists.</summary>
    public int ListCount => _quantizer.ListCount;

    /// <summary>The ids in each list, ascending.</summary>
    public IReadOnlyList<int[]> ListIds => _listIds;

    /// <summary>Lists a search visits per query unless <see cref="SearchParameters.Nprobe"/> says otherwise (at most <see cref="ListCount"/>).</summary>
    public int Nprobe { get; }

    private protected CoarseQuantizer Quantizer => _quantizer;

    private protected int[] ListIdsOf(int list) => _listIds[list];

    public void Search(ReadOnlySpan<float> queries, int k, Span<float> distances, Span<int> ids, SearchParameters? parameters = null)
    {
        var nq = SearchBatch.QueryCount(queries, Dimension, k, distances, ids);
        var nprobe = _quantizer.ValidNprobe(parameters?.Nprobe ?? Nprobe);
        var prepared = PrepareQueries(queries);
        var (probes, coarseDistances) = _quantizer.ProbeWithDistances(prepared, nprobe);
        var sizes = new int[nq];
        fixed (float* q = prepared, coarse = coarseDistances, dist = distances)
        fixed (int* id = ids, size = sizes, probe = probes)
        {
            var batch = new ProbedBatch(q, _quantizer.Dimension, probe, coarse, nprobe);
            var (distPtr, idPtr, sizePtr) = ((nint)dist, (nint)id, (nint)size);
            SearchBatch.ForEachChunk(nq, (first, last) =>
                SearchPreassigned(batch, first, last, new QueryHeaps((float*)distPtr, (int*)idPtr, (int*)sizePtr, k)));
        }
    }

    /// <summary>Queries as the quantizer sees them; IVFPQ zero-pads them to its padded dimension.</summary>
    private protected virtual ReadOnlySpan<float> PrepareQueries(ReadOnlySpan<float> queries) => queries;

    /// <summary>
    /// Scans the probed lists of queries first..last-1 into their heaps and leaves each heap sorted, holding the
    /// distances the index reports (faiss's search_preassigned).
    /// </summary>
    private protected abstract void SearchPreassigned(in ProbedBatch batch, int first, int last, QueryHeaps heaps);
}

/// <summary>A batch of prepared queries with each query's probed lists (nearest first) and its distance to each of their centroids.</summary>
internal readonly unsafe struct ProbedBatch(float* queries, int dimension, int* lists, float* coarseDistances, int nprobe)
{
    public float* Queries { get; } = queries;

    /// <summary>Floats per prepared query (the quantizer's dimension).</summary>
    public int Dimension { get; } = dimension;

    public int Nprobe { get; } = nprobe;

    public float* Query(int query) => Queries + (long)query * Dimension;

    public int List(int query, int probe) => lists[(long)query * Nprobe + probe];

    public float CoarseDistance(int query, int probe) => coarseDistances[(long)query * Nprobe + probe];

    /// <summary>The probes of queries first..last-1, query-major.</summary>
    public int* Lists => lists;
}
