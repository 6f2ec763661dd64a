using System.Buffers;
using System.Runtime.Intrinsics;
using KnnCli.Engine.Kernels;
using KnnCli.Engine.Training;

namespace KnnCli.Engine.Index;

/// <summary>
/// faiss IndexIVFFlat: vectors stored whole in the inverted list of their nearest centroid; a query scans the
/// nprobe nearest lists exactly. Searching a batch groups its queries by list, so each list is scanned once per
/// group of queries by the same register-tiled kernel as exact search.
/// </summary>
public sealed unsafe class IvfFlatIndex : IvfIndex
{
    private readonly float[][] _listVectors;
    private float[][]? _listNorms;

    /// <param name="centroids">nlist × dimension coarse centroids, row-major.</param>
    /// <param name="listIds">Per list, the ids of its vectors.</param>
    /// <param name="listVectors">Per list, its vectors row-major, in the order of its ids.</param>
    public IvfFlatIndex(int dimension, IndexMetric metric, float[] centroids, IReadOnlyList<int[]> listIds, IReadOnlyList<float[]> listVectors, int nprobe)
        : base(dimension, dimension, metric, centroids, listIds, nprobe)
    {
        if (listVectors.Count != ListCount)
            throw new ArgumentException($"An index with {ListCount} centroids needs {ListCount} lists of vectors.", nameof(listVectors));
        for (var l = 0; l < listIds.Count; l++)
        {
            if (listVectors[l].Length != listIds[l].Length * dimension)
                throw new ArgumentException($"List {l} has {listIds[l].Length} ids but {listVectors[l].Length} floats of vectors.");
        }
        _listVectors = [.. listVectors];
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

    /// <summary>Per list, its vectors row-major in the order of <see cref="IvfIndex.ListIds"/>.</summary>
    public IReadOnlyList<float[]> ListVectors => _listVectors;

    /// <summary>Buckets queries first..last-1 by probed list, then runs each list against its bucket, a packed group at a time.</summary>
    private protected override void SearchPreassigned(in ProbedBatch batch, int first, int last, QueryHeaps heaps)
    {
        var d = Dimension;
        var l2 = Metric == IndexMetric.L2;
        var norms = l2 ? LazyInitializer.EnsureInitialized(ref _listNorms, () => [.. _listVectors.Select(v => VectorMath.SquaredNorms(v, d))]) : null;
        if (KernelWidth.Wide) ScanProbedLists<Simd512, Vector512<float>>(batch, first, last, heaps, norms);
        else ScanProbedLists<Simd256, Vector256<float>>(batch, first, last, heaps, norms);
        ExactSearch.Finish(heaps.Offset(first), batch.Query(first), last - first, d, l2);
    }

    private void ScanProbedLists<TOps, TVec>(in ProbedBatch batch, int first, int last, QueryHeaps heaps, float[][]? norms)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var d = Dimension;
        var nprobe = batch.Nprobe;
        var g = BlockKernel<TOps, TVec>.GroupWidth;
        var listCount = ListCount;
        var offsets = ArrayPool<int>.Shared.Rent(listCount + 1);
        var bucket = ArrayPool<int>.Shared.Rent((last - first) * nprobe);
        var packedArray = ArrayPool<float>.Shared.Rent(d * g);
        var thresholds = stackalloc float[g];
        try
        {
            var probes = (last - first) * nprobe;
            ProbeBuckets.Fill(new ReadOnlySpan<int>(batch.Lists + (long)first * nprobe, probes), nprobe, first,
                offsets.AsSpan(0, listCount + 1), bucket.AsSpan(0, probes));

            fixed (float* packed = packedArray)
            fixed (int* bucketed = bucket)
            {
                for (var l = 0; l < listCount; l++)
                {
                    var ids = ListIdsOf(l);
                    if (ids.Length == 0) continue;
                    fixed (float* vectors = _listVectors[l], listNorms = norms?[l])
                    fixed (int* listIds = ids)
                    {
                        for (var start = offsets[l]; start < offsets[l + 1]; start += g)
                        {
                            var lanes = Math.Min(g, offsets[l + 1] - start);
                            BlockKernel<TOps, TVec>.Pack(batch.Queries, d, bucketed + start, 0, lanes, packed);
                            var target = new GroupTarget(heaps, bucketed + start, lanes, g, thresholds);
                            BlockKernel<TOps, TVec>.Scan(packed, d, target, vectors, ids.Length, listNorms, listIds, 0);
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
