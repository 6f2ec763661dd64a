using System.Buffers;
using KnnCli.Engine.Kernels;
using KnnCli.Engine.Training;

namespace KnnCli.Engine.Index;

/// <summary>
/// faiss IndexIVFFlat: vectors stored whole in the inverted list of their nearest centroid; a query scans the
/// nprobe nearest lists exactly. Searching a batch groups its queries by list, so each list is scanned once per
/// group of queries by the same register-tiled kernel as exact search.
/// </summary>
public sealed unsafe class IvfFlatIndex : IIvfIndex
{
    private readonly CoarseQuantizer _quantizer;
    private readonly int[][] _listIds;
    private readonly float[][] _listVectors;
    private float[][]? _listNorms;
    private int _nprobe;

    /// <param name="centroids">nlist × dimension coarse centroids, row-major.</param>
    /// <param name="listIds">Per list, the ids of its vectors.</param>
    /// <param name="listVectors">Per list, its vectors row-major, in the order of its ids.</param>
    public IvfFlatIndex(int dimension, IndexMetric metric, float[] centroids, IReadOnlyList<int[]> listIds, IReadOnlyList<float[]> listVectors, int nprobe)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (metric == IndexMetric.Cosine)
            throw new ArgumentException("An IVF index stores L2 or inner product; cosine is inner product over normalised vectors.", nameof(metric));
        _quantizer = new CoarseQuantizer(dimension, metric, centroids);
        if (listIds.Count != _quantizer.ListCount || listVectors.Count != _quantizer.ListCount)
            throw new ArgumentException($"An index with {_quantizer.ListCount} centroids needs {_quantizer.ListCount} lists of ids and of vectors.");
        for (var l = 0; l < listIds.Count; l++)
        {
            if (listVectors[l].Length != listIds[l].Length * dimension)
                throw new ArgumentException($"List {l} has {listIds[l].Length} ids but {listVectors[l].Length} floats of vectors.");
        }
        Dimension = dimension;
        Metric = metric;
        Centroids = centroids;
        _listIds = [.. listIds];
        _listVectors = [.. listVectors];
        Count = _listIds.Sum(ids => ids.Length);
        Nprobe = nprobe;
    }

    /// <summary>Trains the coarse quantizer by k-means on <paramref name="vectors"/> and adds them all.</summary>
    public static IvfFlatIndex Train(ReadOnlySpan<float> vectors, int dimension, IndexMetric metric, int nlist, int nprobe, int seed)
    {
        var centroids = KMeans.Train(vectors, dimension, nlist, seed);
        var quantizer = new CoarseQuantizer(dimension, metric, centroids);
        var listIds = CoarseQuantizer.GroupByList(quantizer.Probe(vectors, 1), nlist);
        var listVectors = new float[nlist][];
        for (var l = 0; l < nlist; l++)
        {
            var ids = listIds[l];
            var rows = listVectors[l] = new float[ids.Length * dimension];
            for (var i = 0; i < ids.Length; i++) vectors.Slice(ids[i] * dimension, dimension).CopyTo(rows.AsSpan(i * dimension, dimension));
        }
        return new IvfFlatIndex(dimension, metric, centroids, listIds, listVectors, nprobe);
    }

    public int Dimension { get; }

    public int Count { get; }

    public IndexMetric Metric { get; }

    public float[] Centroids { get; }

    public int ListCount => _quantizer.ListCount;

    public IReadOnlyList<int[]> ListIds => _listIds;

    /// <summary>Per list, its vectors row-major in the order of <see cref="ListIds"/>.</summary>
    public IReadOnlyList<float[]> ListVectors => _listVectors;

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
        var d = Dimension;
        var nq = queries.Length / d;
        if (distances.Length < nq * k || ids.Length < nq * k)
            throw new ArgumentException("Result buffers are smaller than queries × k.");
        var nprobe = Nprobe;
        var probes = _quantizer.Probe(queries, nprobe);
        var l2 = Metric == IndexMetric.L2;
        var norms = l2 ? LazyInitializer.EnsureInitialized(ref _listNorms, () => [.. _listVectors.Select(v => VectorMath.SquaredNorms(v, d))]) : null;
        var sizes = new int[nq];
        var chunks = Math.Min(nq, Environment.ProcessorCount);
        fixed (float* q = queries, dist = distances)
        fixed (int* id = ids, size = sizes, probe = probes)
        {
            var (queriesPtr, distPtr, idPtr, sizePtr, probePtr) = ((nint)q, (nint)dist, (nint)id, (nint)size, (nint)probe);
            Parallel.For(0, chunks, c =>
            {
                var first = (int)((long)nq * c / chunks);
                var last = (int)((long)nq * (c + 1) / chunks);
                var heaps = new QueryHeaps((float*)distPtr, (int*)idPtr, (int*)sizePtr, k);
                SearchChunk((float*)queriesPtr, first, last, (int*)probePtr, nprobe, heaps, norms);
                var chunkHeaps = new QueryHeaps((float*)distPtr + (long)first * k, (int*)idPtr + (long)first * k, (int*)sizePtr + first, k);
                ExactSearch.Finish(chunkHeaps, (float*)queriesPtr + (long)first * d, last - first, d, l2);
            });
        }
    }

    /// <summary>Scans queries first..last-1: buckets them by probed list, then runs each list against its bucket.</summary>
    private void SearchChunk(float* queries, int first, int last, int* probes, int nprobe, QueryHeaps heaps, float[][]? norms)
    {
        var d = Dimension;
        var g = BlockKernel.GroupWidth;
        var listCount = ListCount;
        var offsets = ArrayPool<int>.Shared.Rent(listCount + 1);
        var bucket = ArrayPool<int>.Shared.Rent((last - first) * nprobe);
        var packedArray = ArrayPool<float>.Shared.Rent(d * g);
        var thresholds = stackalloc float[g];
        try
        {
            Array.Clear(offsets, 0, listCount + 1);
            for (var i = first * nprobe; i < last * nprobe; i++) offsets[probes[i] + 1]++;
            for (var l = 0; l < listCount; l++) offsets[l + 1] += offsets[l];
            var fill = ArrayPool<int>.Shared.Rent(listCount);
            Array.Copy(offsets, fill, listCount);
            for (var query = first; query < last; query++)
                for (var p = 0; p < nprobe; p++) bucket[fill[probes[query * nprobe + p]]++] = query;
            ArrayPool<int>.Shared.Return(fill);

            fixed (float* packed = packedArray)
            fixed (int* bucketed = bucket)
            {
                for (var l = 0; l < listCount; l++)
                {
                    var rows = _listIds[l].Length;
                    if (rows == 0) continue;
                    fixed (float* vectors = _listVectors[l], listNorms = norms?[l])
                    fixed (int* listIds = _listIds[l])
                    {
                        for (var start = offsets[l]; start < offsets[l + 1]; start += g)
                        {
                            var lanes = Math.Min(g, offsets[l + 1] - start);
                            BlockKernel.Pack(queries, d, bucketed + start, 0, lanes, packed);
                            var target = new GroupTarget(heaps, bucketed + start, lanes, thresholds);
                            BlockKernel.Scan(packed, d, target, vectors, rows, listNorms, listIds, 0);
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(offsets);
            ArrayPool<int>.Shared.Return(bucket);
            ArrayPool<float>.Shared.Return(packedArray);
        }
    }
}
