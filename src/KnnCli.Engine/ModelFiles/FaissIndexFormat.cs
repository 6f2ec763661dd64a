using System.Globalization;

namespace KnnCli.Engine.ModelFiles;

/// <summary>
/// Reads and writes faiss's own index serialization (faiss/impl/index_write.cpp, index_read.cpp): a fourcc naming the
/// class, the Index header, then the class's fields, all little-endian, std::vector as a size_t count then the
/// elements. Covers IndexFlatL2/IP ("IxF2"/"IxFI"), IndexIVFFlat ("IwFl"), IndexIVFPQ ("IwPQ") with ArrayInvertedLists
/// ("ilar", full or sparse), and IndexPreTransform ("IxPT") over LinearTransform ("LTra"; "rrot", "Pcam"/"PcAm"/"PCAm"
/// and "Viqm" are read as the linear transforms they are). faiss 1.7.3 (Debian) and current faiss lay these out
/// byte for byte the same; what we write is what faiss writes for the same index.
/// </summary>
public static class FaissIndexFormat
{
    /// <summary>faiss reads no dimension above 2^20 (read_index_header).</summary>
    public const int MaxDimension = 1 << 20;

    private const int MaxTransforms = 16;
    private const int MetricInnerProduct = 0;
    private const int MetricL2 = 1;

    private static readonly uint FlatL2 = FourCC("IxF2");
    private static readonly uint FlatIP = FourCC("IxFI");
    private static readonly uint FlatOtherMetric = FourCC("IxFl");
    private static readonly uint IvfFlat = FourCC("IwFl");
    private static readonly uint IvfPq = FourCC("IwPQ");
    private static readonly uint PreTransform = FourCC("IxPT");
    private static readonly uint ArrayInvertedLists = FourCC("ilar");
    private static readonly uint FullLists = FourCC("full");
    private static readonly uint SparseLists = FourCC("sprs");
    private static readonly uint LinearTransform = FourCC("LTra");
    private static readonly uint RandomRotation = FourCC("rrot");
    private static readonly uint PcaWithEpsilon = FourCC("Pcam");
    private static readonly uint PcaWithBins = FourCC("PcAm");
    private static readonly uint PcaOriginal = FourCC("PCAm");
    private static readonly uint ItqMatrix = FourCC("Viqm");

    /// <summary>Classes faiss writes that knn does not read, so a refusal can say what was found.</summary>
    private static readonly Dictionary<uint, string> UnsupportedClasses = new()
    {
        [FourCC("IxHe")] = "IndexLSH",
        [FourCC("IxPq")] = "IndexPQ",
        [FourCC("IxSQ")] = "IndexScalarQuantizer",
        [FourCC("IwSq")] = "IndexIVFScalarQuantizer",
        [FourCC("IwSQ")] = "IndexIVFScalarQuantizer",
        [FourCC("IwQR")] = "IndexIVFPQR",
        [FourCC("IwPf")] = "IndexIVFPQFastScan",
        [FourCC("IPfs")] = "IndexPQFastScan",
        [FourCC("IwFd")] = "IndexIVFFlatDedup",
        [FourCC("IvFl")] = "IndexIVFFlat in faiss's pre-2018 layout",
        [FourCC("IvFL")] = "IndexIVFFlat in faiss's pre-2018 layout",
        [FourCC("IvPQ")] = "IndexIVFPQ in faiss's pre-2018 layout",
        [FourCC("IxMp")] = "IndexIDMap",
        [FourCC("IxM2")] = "IndexIDMap2",
        [FourCC("IxRF")] = "IndexRefine",
        [FourCC("IHNf")] = "IndexHNSWFlat",
        [FourCC("IHNp")] = "IndexHNSWPQ",
        [FourCC("IHNs")] = "IndexHNSWSQ",
        [FourCC("INSf")] = "IndexNSGFlat",
        [FourCC("IxRq")] = "IndexResidualQuantizer",
        [FourCC("IwRQ")] = "IndexIVFResidualQuantizer",
        [FourCC("null")] = "an empty (null) index",
    };

    /// <summary>Reads an index of <paramref name="length"/> bytes; anything else than a supported, consistent index is refused.</summary>
    /// <param name="name">The file's name, used in error messages.</param>
    /// <exception cref="InvalidDataException">The bytes are truncated, corrupted, or hold a class knn does not read.</exception>
    public static async Task<FaissIndexData> ReadAsync(Stream stream, long length, string name, CancellationToken cancellationToken)
    {
        var reader = new FaissBinaryReader(stream, length, name);
        var index = await ReadIndexAsync(reader, Nesting.TopLevel, cancellationToken);
        if (reader.Remaining != 0) throw reader.Invalid($"{reader.Remaining} bytes follow the index (corrupted)");
        return index;
    }

    public static async Task WriteAsync(Stream stream, FaissIndexData index, CancellationToken cancellationToken)
    {
        index.Validate();
        var writer = new FaissBinaryWriter(stream);
        await WriteIndexAsync(writer, index, cancellationToken);
        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>The bytes <see cref="WriteAsync"/> writes for <paramref name="index"/>.</summary>
    public static long SerializedLength(FaissIndexData index)
    {
        const long header = 4 + 4 + 8 + 8 + 8 + 1 + 4; // fourcc, d, ntotal, two dummies, is_trained, metric
        static long Lists(FaissIvfData ivf, long directMap) =>
            4 + 8 + 8 + 4 + 8 + 8L * (IsFull(ivf) ? ivf.ListCount : 2 * ivf.ListIds.Count(ids => ids.Length > 0))
            + (long)ivf.Count * (ivf.CodeSize + sizeof(long)) + directMap;
        return index switch
        {
            FaissFlatData flat => header + 8 + 4L * flat.Vectors.Length,
            FaissIvfFlatData ivf => header + 16 + header + 8 + 4L * ivf.Centroids.Length + Lists(ivf, 9),
            FaissIvfPqData pq => header + 16 + header + 8 + 4L * pq.Centroids.Length + 1 + 8 + 24 + 8 + 4L * pq.PqCodebooks.Length + Lists(pq, 9),
            FaissPreTransformData pre => header + 4 + pre.Chain.Sum(t => 4 + 1 + 8 + 4L * t.Matrix.Length + 8 + 4L * (t.Bias?.Length ?? 0) + 4 + 4 + 1) + SerializedLength(pre.Index),
            _ => throw new NotSupportedException($"Cannot serialize {index.GetType().Name}."),
        };
    }

    /// <summary>Where an index sits: nesting is bounded (a pre-transform over an IVF over a flat quantizer), so no file recurses deeper.</summary>
    private enum Nesting { TopLevel, InsidePreTransform, Quantizer }

    private static async Task<FaissIndexData> ReadIndexAsync(FaissBinaryReader reader, Nesting nesting, CancellationToken cancellationToken)
    {
        var code = await reader.ReadUInt32Async("the index type", cancellationToken);
        if (code == FlatL2 || code == FlatIP || code == FlatOtherMetric) return await ReadFlatAsync(reader, code, cancellationToken);
        if (nesting == Nesting.Quantizer) throw reader.Invalid($"the IVF coarse quantizer {Found(code)}; knn reads a flat quantizer (IndexFlatL2 or IndexFlatIP)");
        if (code == IvfFlat || code == IvfPq) return await ReadIvfAsync(reader, code, cancellationToken);
        if (code == PreTransform && nesting == Nesting.TopLevel) return await ReadPreTransformAsync(reader, cancellationToken);
        throw reader.Invalid($"{Found(code)}, which knn cannot read (it reads IndexFlatL2, IndexFlatIP, IndexIVFFlat, IndexIVFPQ and an IndexPreTransform of linear transforms over one of them)");
    }

    private static string Found(uint code)
    {
        var text = FourCCText(code);
        if (code == PreTransform) return "holds an IndexPreTransform inside another ('IxPT')";
        if (code == IvfFlat || code == IvfPq) return $"holds an IVF index ('{text}')";
        return UnsupportedClasses.TryGetValue(code, out var name)
            ? $"holds a faiss {name} ('{text}')"
            : $"does not start with a known faiss index type (found bytes '{text}')";
    }

    private static async Task<(int Dimension, int Count, IndexMetric Metric)> ReadHeaderAsync(FaissBinaryReader reader, CancellationToken cancellationToken)
    {
        var dimension = await reader.ReadInt32Async("d", cancellationToken);
        if (dimension < 1 || dimension > MaxDimension) throw reader.Invalid($"the dimension d is {dimension}, expected 1..{MaxDimension}");
        var count = await reader.ReadInt64Async("ntotal", cancellationToken);
        if (count < 0 || count > int.MaxValue) throw reader.Invalid($"the vector count ntotal is {count}, expected 0..{int.MaxValue}");
        await reader.ReadInt64Async("a reserved header field", cancellationToken);
        await reader.ReadInt64Async("a reserved header field", cancellationToken);
        if (!await reader.ReadBoolAsync("is_trained", cancellationToken)) throw reader.Invalid("the index is not trained");
        var metric = await reader.ReadInt32Async("metric_type", cancellationToken) switch
        {
            MetricL2 => IndexMetric.L2,
            MetricInnerProduct => IndexMetric.InnerProduct,
            var other => throw reader.Invalid($"the metric is faiss metric type {other}{MetricName(other)}; knn reads L2 (1) and inner product (0)"),
        };
        return (dimension, (int)count, metric);
    }

    private static string MetricName(int metric) => metric switch
    {
        2 => " (L1)",
        3 => " (Linf)",
        4 => " (Lp)",
        20 => " (Canberra)",
        21 => " (BrayCurtis)",
        22 => " (JensenShannon)",
        23 => " (Jaccard)",
        _ => "",
    };

    /// <summary>IxF2 / IxFI; IxFl is the same layout for other metrics, which the header then names and refuses.</summary>
    private static async Task<FaissFlatData> ReadFlatAsync(FaissBinaryReader reader, uint code, CancellationToken cancellationToken)
    {
        var (dimension, count, metric) = await ReadHeaderAsync(reader, cancellationToken);
        if (code != FlatOtherMetric && (code == FlatL2) != (metric == IndexMetric.L2))
            throw reader.Invalid($"a '{FourCCText(code)}' flat index declares metric {KnnHyperparameters.MetricName(metric)}");
        var vectors = await reader.ReadVectorAsync<float>("the flat index's vectors", (long)count * dimension, cancellationToken);
        return new FaissFlatData(dimension, metric, vectors);
    }

    private static async Task<FaissIvfData> ReadIvfAsync(FaissBinaryReader reader, uint code, CancellationToken cancellationToken)
    {
        var (dimension, count, metric) = await ReadHeaderAsync(reader, cancellationToken);
        var listCount = await reader.ReadSizeAsync("nlist", 1, int.MaxValue, cancellationToken);
        var nprobe = await reader.ReadSizeAsync("nprobe", 1, int.MaxValue, cancellationToken);
        var quantizer = (FaissFlatData)await ReadIndexAsync(reader, Nesting.Quantizer, cancellationToken);
        if (quantizer.Dimension != dimension || quantizer.Count != listCount)
            throw reader.Invalid($"the coarse quantizer holds {quantizer.Count} centroids of dimension {quantizer.Dimension}, expected {listCount} of dimension {dimension}");
        if (quantizer.Metric != metric)
            throw reader.Invalid($"the coarse quantizer ranks by {KnnHyperparameters.MetricName(quantizer.Metric)} but the index by {KnnHyperparameters.MetricName(metric)}");
        await SkipDirectMapAsync(reader, cancellationToken);

        if (code == IvfFlat)
        {
            var (ids, vectors) = await ReadInvertedListsAsync<float>(reader, listCount, dimension * sizeof(float), dimension, count, cancellationToken);
            return new FaissIvfFlatData(dimension, metric, nprobe, quantizer.Vectors, ids, vectors);
        }

        var byResidual = await reader.ReadBoolAsync("by_residual", cancellationToken);
        var codeSize = await reader.ReadSizeAsync("code_size", 1, int.MaxValue, cancellationToken);
        await reader.ReadSizeAsync("the PQ's d", dimension, dimension, cancellationToken);
        var subQuantizers = await reader.ReadSizeAsync("the PQ's M", 1, dimension, cancellationToken);
        if (dimension % subQuantizers != 0) throw reader.Invalid($"the PQ's M ({subQuantizers}) does not divide d ({dimension})");
        var bits = await reader.ReadSizeAsync("the PQ's nbits", 1, 16, cancellationToken);
        var codebooks = await reader.ReadVectorAsync<float>("the PQ codebooks", (long)dimension << bits, cancellationToken);
        if (codeSize != (subQuantizers * bits + 7) / 8)
            throw reader.Invalid($"code_size is {codeSize} but M {subQuantizers} × {bits} bits take {(subQuantizers * bits + 7) / 8} bytes");
        var (listIds, codes) = await ReadInvertedListsAsync<byte>(reader, listCount, codeSize, codeSize, count, cancellationToken);
        return new FaissIvfPqData(dimension, metric, nprobe, quantizer.Vectors, byResidual, subQuantizers, bits, codebooks, listIds, codes);
    }

    /// <summary>faiss's DirectMap (id → list position, for reconstruct): knn does not need it.</summary>
    private static async Task SkipDirectMapAsync(FaissBinaryReader reader, CancellationToken cancellationToken)
    {
        var type = await reader.ReadByteAsync("the direct map type", cancellationToken);
        if (type > 2) throw reader.Invalid($"the direct map type is {type}, expected 0..2");
        await reader.SkipVectorAsync("the direct map", sizeof(long), cancellationToken);
        if (type == 2) await reader.SkipVectorAsync("the direct map's hash table", 2 * sizeof(long), cancellationToken);
    }

    private static async Task<(int[][] Ids, T[][] Codes)> ReadInvertedListsAsync<T>(
        FaissBinaryReader reader, int listCount, int codeSize, int elementsPerVector, int count, CancellationToken cancellationToken) where T : unmanaged
    {
        var type = await reader.ReadUInt32Async("the inverted lists type", cancellationToken);
        if (type != ArrayInvertedLists)
        {
            throw reader.Invalid(FourCCText(type) switch
            {
                "il00" => "the inverted lists are not stored in the file",
                "ilod" => "the inverted lists are faiss OnDiskInvertedLists ('ilod'), kept in a separate file",
                var text => $"the inverted lists are of type '{text}'; knn reads ArrayInvertedLists ('ilar')",
            });
        }
        await reader.ReadSizeAsync("the inverted lists' nlist", listCount, listCount, cancellationToken);
        await reader.ReadSizeAsync("the inverted lists' code_size", codeSize, codeSize, cancellationToken);

        var sizes = new long[listCount];
        var layout = await reader.ReadUInt32Async("the inverted lists layout", cancellationToken);
        if (layout == FullLists)
        {
            sizes = await reader.ReadVectorAsync<long>("the inverted list sizes", listCount, cancellationToken);
        }
        else if (layout == SparseLists)
        {
            var pairs = await reader.ReadVectorAsync<long>("the sparse inverted list sizes", null, cancellationToken);
            if (pairs.Length % 2 != 0) throw reader.Invalid("the sparse inverted list sizes are not (list, size) pairs");
            for (var i = 0; i < pairs.Length; i += 2)
            {
                if (pairs[i] < 0 || pairs[i] >= listCount) throw reader.Invalid($"a sparse inverted list entry names list {pairs[i]}, outside 0..{listCount - 1}");
                sizes[pairs[i]] = pairs[i + 1];
            }
        }
        else
        {
            throw reader.Invalid($"the inverted lists layout is '{FourCCText(layout)}', expected 'full' or 'sprs'");
        }

        long total = 0;
        foreach (var size in sizes)
        {
            if (size < 0 || size > count - total) throw reader.Invalid($"the inverted lists hold more than the index's {count} vectors");
            total += size;
        }
        if (total != count) throw reader.Invalid($"the inverted lists hold {total} vectors but the index {count}");

        var seen = new bool[count];
        var ids = new int[listCount][];
        var codes = new T[listCount][];
        for (var list = 0; list < listCount; list++)
        {
            var size = (int)sizes[list];
            codes[list] = reader.Allocate<T>((ulong)size * (ulong)elementsPerVector, $"inverted list {list}'s codes");
            await reader.ReadIntoAsync(codes[list], $"inverted list {list}'s codes", cancellationToken);
            ids[list] = new int[size];
            await reader.ReadIdsAsync(ids[list], count, $"inverted list {list}'s ids", cancellationToken);
            foreach (var id in ids[list])
            {
                if (seen[id]) throw reader.Invalid($"id {id} appears twice in the inverted lists");
                seen[id] = true;
            }
        }
        return (ids, codes);
    }

    private static async Task<FaissPreTransformData> ReadPreTransformAsync(FaissBinaryReader reader, CancellationToken cancellationToken)
    {
        var (dimension, count, metric) = await ReadHeaderAsync(reader, cancellationToken);
        var transformCount = await reader.ReadInt32Async("the transform count", cancellationToken);
        if (transformCount < 0 || transformCount > MaxTransforms)
            throw reader.Invalid($"the transform count is {transformCount}, expected 0..{MaxTransforms}");
        var chain = new List<FaissLinearTransformData>(transformCount);
        var expectedInput = dimension;
        for (var i = 0; i < transformCount; i++)
        {
            var transform = await ReadLinearTransformAsync(reader, cancellationToken);
            if (transform.InputDimension != expectedInput)
                throw reader.Invalid($"transform {i} takes {transform.InputDimension} dimensions but receives {expectedInput}");
            expectedInput = transform.OutputDimension;
            chain.Add(transform);
        }
        var index = await ReadIndexAsync(reader, Nesting.InsidePreTransform, cancellationToken);
        if (index.Dimension != expectedInput)
            throw reader.Invalid($"the transforms output {expectedInput} dimensions but the inner index takes {index.Dimension}");
        if (index.Count != count || index.Metric != metric)
            throw reader.Invalid($"the IndexPreTransform header (ntotal {count}, {KnnHyperparameters.MetricName(metric)}) disagrees with its inner index (ntotal {index.Count}, {KnnHyperparameters.MetricName(index.Metric)})");
        return new FaissPreTransformData(chain, index);
    }

    private static async Task<FaissLinearTransformData> ReadLinearTransformAsync(FaissBinaryReader reader, CancellationToken cancellationToken)
    {
        var code = await reader.ReadUInt32Async("the transform type", cancellationToken);
        if (code == PcaWithEpsilon || code == PcaWithBins || code == PcaOriginal)
        {
            // PCAMatrix's own fields; its mean and rotation are already folded into A and b.
            await reader.ReadSingleAsync("eigen_power", cancellationToken);
            if (code == PcaWithEpsilon) await reader.ReadSingleAsync("epsilon", cancellationToken);
            await reader.ReadBoolAsync("random_rotation", cancellationToken);
            if (code != PcaOriginal) await reader.ReadInt32Async("balanced_bins", cancellationToken);
            await reader.SkipVectorAsync("the PCA mean", sizeof(float), cancellationToken);
            await reader.SkipVectorAsync("the PCA eigenvalues", sizeof(float), cancellationToken);
            await reader.SkipVectorAsync("the PCA matrix", sizeof(float), cancellationToken);
        }
        else if (code == ItqMatrix)
        {
            await reader.ReadInt32Async("max_iter", cancellationToken);
            await reader.ReadInt32Async("seed", cancellationToken);
        }
        else if (code != LinearTransform && code != RandomRotation)
        {
            throw reader.Invalid($"the IndexPreTransform holds a '{FourCCText(code)}' vector transform; knn reads linear transforms (LinearTransform, RandomRotationMatrix, PCAMatrix, ITQMatrix)");
        }

        var hasBias = await reader.ReadBoolAsync("have_bias", cancellationToken);
        var matrix = await reader.ReadVectorAsync<float>("the transform matrix A", null, cancellationToken);
        var bias = await reader.ReadVectorAsync<float>("the transform bias b", null, cancellationToken);
        var input = await reader.ReadInt32Async("d_in", cancellationToken);
        var output = await reader.ReadInt32Async("d_out", cancellationToken);
        if (input < 1 || input > MaxDimension || output < 1 || output > MaxDimension)
            throw reader.Invalid($"a transform maps {input} to {output} dimensions, expected 1..{MaxDimension} each");
        if (!await reader.ReadBoolAsync("the transform's is_trained", cancellationToken)) throw reader.Invalid("a transform is not trained");
        if (matrix.Length != (long)input * output)
            throw reader.Invalid($"the transform matrix holds {matrix.Length} floats, expected {output} × {input}");
        if (hasBias && bias.Length != output)
            throw reader.Invalid($"the transform bias holds {bias.Length} floats, expected {output}");
        return new FaissLinearTransformData(input, output, matrix, hasBias ? bias : null);
    }

    private static async Task WriteIndexAsync(FaissBinaryWriter writer, FaissIndexData index, CancellationToken cancellationToken)
    {
        switch (index)
        {
            case FaissFlatData flat:
                await WriteHeaderAsync(writer, flat.Metric == IndexMetric.L2 ? FlatL2 : FlatIP, flat, cancellationToken);
                await writer.WriteVectorAsync(flat.Vectors, cancellationToken);
                break;
            case FaissIvfData ivf:
                await WriteHeaderAsync(writer, ivf is FaissIvfFlatData ? IvfFlat : IvfPq, ivf, cancellationToken);
                await writer.WriteInt64Async(ivf.ListCount, cancellationToken);
                await writer.WriteInt64Async(ivf.Nprobe, cancellationToken);
                await WriteIndexAsync(writer, new FaissFlatData(ivf.Dimension, ivf.Metric, ivf.Centroids), cancellationToken);
                await writer.WriteByteAsync(0, cancellationToken); // no direct map
                await writer.WriteInt64Async(0, cancellationToken);
                if (ivf is FaissIvfPqData pq)
                {
                    await writer.WriteBoolAsync(pq.ByResidual, cancellationToken);
                    await writer.WriteInt64Async(pq.CodeSize, cancellationToken);
                    await writer.WriteInt64Async(pq.Dimension, cancellationToken);
                    await writer.WriteInt64Async(pq.SubQuantizers, cancellationToken);
                    await writer.WriteInt64Async(pq.BitsPerCode, cancellationToken);
                    await writer.WriteVectorAsync(pq.PqCodebooks, cancellationToken);
                    await WriteInvertedListsAsync(writer, pq, pq.ListCodes, cancellationToken);
                }
                else
                {
                    await WriteInvertedListsAsync(writer, ivf, ((FaissIvfFlatData)ivf).ListVectors, cancellationToken);
                }
                break;
            case FaissPreTransformData pre:
                await WriteHeaderAsync(writer, PreTransform, pre, cancellationToken);
                await writer.WriteInt32Async(pre.Chain.Count, cancellationToken);
                foreach (var transform in pre.Chain)
                {
                    await writer.WriteUInt32Async(LinearTransform, cancellationToken);
                    await writer.WriteBoolAsync(transform.Bias is not null, cancellationToken);
                    await writer.WriteVectorAsync(transform.Matrix, cancellationToken);
                    await writer.WriteVectorAsync(transform.Bias ?? [], cancellationToken);
                    await writer.WriteInt32Async(transform.InputDimension, cancellationToken);
                    await writer.WriteInt32Async(transform.OutputDimension, cancellationToken);
                    await writer.WriteBoolAsync(true, cancellationToken);
                }
                await WriteIndexAsync(writer, pre.Index, cancellationToken);
                break;
            default:
                throw new NotSupportedException($"Cannot serialize {index.GetType().Name}.");
        }
    }

    private static async Task WriteHeaderAsync(FaissBinaryWriter writer, uint code, FaissIndexData index, CancellationToken cancellationToken)
    {
        await writer.WriteUInt32Async(code, cancellationToken);
        await writer.WriteInt32Async(index.Dimension, cancellationToken);
        await writer.WriteInt64Async(index.Count, cancellationToken);
        await writer.WriteInt64Async(1L << 20, cancellationToken); // two fields faiss no longer uses but still writes
        await writer.WriteInt64Async(1L << 20, cancellationToken);
        await writer.WriteBoolAsync(true, cancellationToken); // is_trained
        await writer.WriteInt32Async(index.Metric == IndexMetric.L2 ? MetricL2 : MetricInnerProduct, cancellationToken);
    }

    /// <summary>faiss writes the list sizes whole when more than half the lists hold vectors, else as (list, size) pairs.</summary>
    private static bool IsFull(FaissIvfData ivf) => ivf.ListIds.Count(ids => ids.Length > 0) > ivf.ListCount / 2;

    private static async Task WriteInvertedListsAsync<T>(FaissBinaryWriter writer, FaissIvfData ivf, T[][] codes, CancellationToken cancellationToken) where T : unmanaged
    {
        await writer.WriteUInt32Async(ArrayInvertedLists, cancellationToken);
        await writer.WriteInt64Async(ivf.ListCount, cancellationToken);
        await writer.WriteInt64Async(ivf.CodeSize, cancellationToken);
        var sizes = IsFull(ivf)
            ? ivf.ListIds.Select(ids => (long)ids.Length).ToArray()
            : ivf.ListIds.SelectMany((ids, list) => ids.Length > 0 ? new[] { list, (long)ids.Length } : []).ToArray();
        await writer.WriteUInt32Async(IsFull(ivf) ? FullLists : SparseLists, cancellationToken);
        await writer.WriteVectorAsync(sizes, cancellationToken);
        for (var list = 0; list < ivf.ListCount; list++)
        {
            await writer.WriteArrayAsync(codes[list], cancellationToken);
            await writer.WriteIdsAsync(ivf.ListIds[list], cancellationToken);
        }
    }

    private static uint FourCC(string code) =>
        (uint)code[0] | ((uint)code[1] << 8) | ((uint)code[2] << 16) | ((uint)code[3] << 24);

    /// <summary>The four characters of a fourcc, or its hex value when they are not printable.</summary>
    private static string FourCCText(uint code)
    {
        var chars = new char[4];
        for (var i = 0; i < 4; i++) chars[i] = (char)((code >> (8 * i)) & 0xff);
        return chars.All(c => c is >= ' ' and <= '~')
            ? new string(chars)
            : string.Create(CultureInfo.InvariantCulture, $"0x{code:x8}");
    }
}
