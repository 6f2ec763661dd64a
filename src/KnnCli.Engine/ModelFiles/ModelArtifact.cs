using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace KnnCli.Engine.ModelFiles;

/// <summary>What a model artifact holds, read but not yet turned into a searchable model.</summary>
/// <param name="Labels">One label per indexed vector, in index (id) order.</param>
public sealed record ModelArtifactContent(FaissIndexData Index, float[] Labels, ModelMetadata Metadata);

/// <summary>
/// model.tar.gz as SageMaker's k-NN container writes it: model_algo-1 (the index, in faiss's serialization),
/// model_algo-1.labels (raw little-endian float32, one per indexed vector, in index order) and model_algo-1.json
/// (metadata). Reading streams each entry straight into the arrays the model keeps, and refuses a truncated,
/// corrupted or foreign artifact with an <see cref="InvalidDataException"/> that says what was found.
/// </summary>
public static class ModelArtifact
{
    public const string IndexEntry = "model_algo-1";
    public const string LabelsEntry = "model_algo-1.labels";
    public const string MetadataEntry = "model_algo-1.json";

    /// <summary>The metadata is a few hundred bytes; anything beyond this is not metadata.</summary>
    public const int MaxMetadataBytes = 1 << 20;

    /// <summary>Deflate expands at most about 1032:1, which bounds what a compressed stream of known length can hold.</summary>
    private const long MaxDeflateRatio = 1032;

    private const UnixFileMode EntryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static Task WriteAsync(Stream destination, KnnModel model, CancellationToken cancellationToken) =>
        WriteAsync(destination, new ModelArtifactContent(FaissEngineMapping.ToFaiss(model.Index, model.Reduction), model.Labels, model.Metadata), cancellationToken);

    public static async Task WriteAsync(Stream destination, ModelArtifactContent content, CancellationToken cancellationToken)
    {
        if (content.Labels.Length != content.Index.Count)
            throw new ArgumentException($"The index holds {content.Index.Count} vectors but {content.Labels.Length} labels were given.", nameof(content));
        using var index = new MemoryStream(checked((int)FaissIndexFormat.SerializedLength(content.Index)));
        await FaissIndexFormat.WriteAsync(index, content.Index, cancellationToken);
        await using var gzip = new GZipStream(destination, LevelFor(index.GetBuffer().AsSpan(0, (int)index.Length)), leaveOpen: true);
        await using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
        await WriteEntryAsync(tar, IndexEntry, index, cancellationToken);
        using (var labels = new MemoryStream(MemoryMarshal.AsBytes(content.Labels.AsSpan()).ToArray(), writable: false))
            await WriteEntryAsync(tar, LabelsEntry, labels, cancellationToken);
        using (var metadata = new MemoryStream(SerializeMetadata(content.Metadata), writable: false))
            await WriteEntryAsync(tar, MetadataEntry, metadata, cancellationToken);
    }

    /// <summary>Reads model.tar.gz into a model the engine can search.</summary>
    /// <exception cref="InvalidDataException">The artifact is truncated, corrupted, or holds something knn cannot read.</exception>
    public static async Task<KnnModel> ReadAsync(Stream source, CancellationToken cancellationToken) =>
        FaissEngineMapping.ToModel(await ReadContentAsync(source, cancellationToken));

    /// <summary>Reads model.tar.gz without building a searchable model (for inspection).</summary>
    /// <exception cref="InvalidDataException">The artifact is truncated, corrupted, or holds something knn cannot read.</exception>
    public static async Task<ModelArtifactContent> ReadContentAsync(Stream source, CancellationToken cancellationToken)
    {
        FaissIndexData? index = null;
        float[]? labels = null;
        ModelMetadata? metadata = null;
        var found = new List<string>();
        await ReadArchiveAsync(source, async (entry, data) =>
        {
            found.Add(entry.Name);
            switch (Path.GetFileName(entry.Name))
            {
                case IndexEntry:
                    CheckFirst(index, IndexEntry);
                    index = await FaissIndexFormat.ReadAsync(data, entry.Length, IndexEntry, cancellationToken);
                    break;
                case LabelsEntry:
                    CheckFirst(labels, LabelsEntry);
                    labels = await ReadLabelsAsync(data, entry.Length, cancellationToken);
                    break;
                case MetadataEntry:
                    CheckFirst(metadata, MetadataEntry);
                    metadata = await ReadMetadataAsync(data, entry.Length, cancellationToken);
                    break;
            }
        }, cancellationToken);
        string Found() => found.Count == 0 ? "an empty archive" : string.Join(", ", found);
        if (index is null) throw new InvalidDataException($"The model artifact has no {IndexEntry} (found: {Found()}).");
        if (labels is null) throw new InvalidDataException($"The model artifact has no {LabelsEntry} (found: {Found()}).");
        if (metadata is null) throw new InvalidDataException($"The model artifact has no {MetadataEntry} (found: {Found()}).");
        return Check(new ModelArtifactContent(index, labels, metadata));
    }

    /// <summary>Reads the three files of an extracted artifact (as in /opt/ml/model), each a stream of known length.</summary>
    public static async Task<ModelArtifactContent> ReadFilesAsync(
        Stream index, long indexLength, Stream labels, long labelsLength, Stream metadata, long metadataLength, CancellationToken cancellationToken)
    {
        var indexData = await FaissIndexFormat.ReadAsync(index, indexLength, IndexEntry, cancellationToken);
        var labelData = await ReadLabelsAsync(labels, labelsLength, cancellationToken);
        var metadataData = await ReadMetadataAsync(metadata, metadataLength, cancellationToken);
        return Check(new ModelArtifactContent(indexData, labelData, metadataData));
    }

    /// <summary>
    /// Copies model.tar.gz from <paramref name="source"/> to <paramref name="destination"/> with its metadata edited
    /// (e.g. k or predictor_type, which change inference without retraining); every other entry is copied byte for byte.
    /// </summary>
    public static async Task RewriteMetadataAsync(Stream source, Stream destination, Func<ModelMetadata, ModelMetadata> edit, CancellationToken cancellationToken)
    {
        var edited = false;
        await using (var gzip = new GZipStream(destination, CompressionLevel.Fastest, leaveOpen: true))
        await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            await ReadArchiveAsync(source, async (entry, data) =>
            {
                if (Path.GetFileName(entry.Name) != MetadataEntry)
                {
                    // A tar entry is written after its length, and neither stream seeks: each entry passes through memory.
                    using var copy = new MemoryStream(checked((int)entry.Length));
                    await data.CopyToAsync(copy, cancellationToken);
                    if (copy.Length != entry.Length) throw new InvalidDataException($"The model artifact's entry {entry.Name} is truncated.");
                    copy.Position = 0;
                    await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, entry.Name) { DataStream = copy, Mode = entry.Mode, ModificationTime = entry.ModificationTime }, cancellationToken);
                    return;
                }
                if (edited) throw new InvalidDataException($"The model artifact holds {MetadataEntry} twice.");
                var metadata = edit(await ReadMetadataAsync(data, entry.Length, cancellationToken));
                using var bytes = new MemoryStream(SerializeMetadata(metadata), writable: false);
                await WriteEntryAsync(tar, entry.Name, bytes, cancellationToken);
                edited = true;
            }, cancellationToken);
        }
        if (!edited) throw new InvalidDataException($"The model artifact has no {MetadataEntry} to edit.");
    }

    /// <summary>
    /// Fastest deflate where a sample of the index shrinks by a tenth or more (small integers, such as pixels, and
    /// repeated rows do); stored blocks, still a valid gzip, where it does not: float32 features with noise in every
    /// bit deflate by about 1% at three to seven times the cost of storing them (docs/benchmarks.md).
    /// </summary>
    private static CompressionLevel LevelFor(ReadOnlySpan<byte> index)
    {
        var sample = index[..Math.Min(index.Length, CompressionSampleBytes)];
        using var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) deflate.Write(sample);
        return compressed.Length <= sample.Length * 0.9 ? CompressionLevel.Fastest : CompressionLevel.NoCompression;
    }

    private const int CompressionSampleBytes = 1 << 20;

    public static byte[] SerializeMetadata(ModelMetadata metadata) =>
        JsonSerializer.SerializeToUtf8Bytes(metadata, EngineJsonContext.Default.ModelMetadata);

    /// <summary>
    /// Visits each regular file of a gzip-compressed tar, after checking its stated length is one the compressed
    /// data can hold; <paramref name="visit"/> must consume the data before returning.
    /// </summary>
    private static async Task ReadArchiveAsync(Stream source, Func<TarEntry, Stream, Task> visit, CancellationToken cancellationToken)
    {
        var limit = DecompressedLimit(source);
        try
        {
            await using var gzip = new GZipStream(source, CompressionMode.Decompress, leaveOpen: true);
            await using var tar = new TarReader(gzip, leaveOpen: true);
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                if (entry.Length > limit)
                    throw new InvalidDataException($"The model artifact's entry {entry.Name} claims {entry.Length} bytes, more than its compressed data can hold (corrupted).");
                await visit(entry, entry.DataStream ?? Stream.Null);
            }
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or EndOfStreamException)
        {
            throw new InvalidDataException($"The model artifact is not a valid gzip-compressed tar archive ({e.Message}).", e);
        }
    }

    private static void CheckFirst(object? previous, string name)
    {
        if (previous is not null) throw new InvalidDataException($"The model artifact holds {name} twice.");
    }

    /// <summary>How many bytes the rest of a compressed stream can expand to, when its length is known.</summary>
    private static long DecompressedLimit(Stream source) =>
        source.CanSeek ? Math.Max(0, source.Length - source.Position) * MaxDeflateRatio + (1 << 20) : long.MaxValue;

    private static async Task<float[]> ReadLabelsAsync(Stream data, long length, CancellationToken cancellationToken)
    {
        if (length % sizeof(float) != 0)
            throw new InvalidDataException($"{LabelsEntry} is {length} bytes, not a whole number of float32 labels.");
        var reader = new FaissBinaryReader(data, length, LabelsEntry);
        var labels = reader.Allocate<float>((ulong)(length / sizeof(float)), "the labels");
        await reader.ReadIntoAsync(labels, "the labels", cancellationToken);
        return labels;
    }

    private static async Task<ModelMetadata> ReadMetadataAsync(Stream data, long length, CancellationToken cancellationToken)
    {
        if (length > MaxMetadataBytes)
            throw new InvalidDataException($"{MetadataEntry} is {length} bytes; metadata is at most {MaxMetadataBytes}.");
        var bytes = new byte[length];
        var read = await data.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, cancellationToken);
        if (read != length) throw new InvalidDataException($"{MetadataEntry} ends after {read} of its {length} bytes (truncated).");
        try
        {
            return JsonSerializer.Deserialize(bytes, EngineJsonContext.Default.ModelMetadata)
                ?? throw new InvalidDataException($"{MetadataEntry} holds null, not metadata.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{MetadataEntry} is not valid metadata JSON ({e.Message}).", e);
        }
    }

    /// <summary>Checks the three files agree with each other.</summary>
    private static ModelArtifactContent Check(ModelArtifactContent content)
    {
        var (index, labels, metadata) = content;
        if (labels.Length != index.Count)
            throw new InvalidDataException($"{LabelsEntry} holds {labels.Length} labels but the index holds {index.Count} vectors.");
        if (metadata.K < 1)
            throw new InvalidDataException($"{MetadataEntry}: k is {metadata.K}, expected a positive integer.");
        _ = metadata.Predictor; // throws InvalidDataException for an unknown predictor_type
        if (metadata.FeatureDim != 0 && metadata.FeatureDim != index.Dimension)
            throw new InvalidDataException($"{MetadataEntry}: feature_dim is {metadata.FeatureDim} but the index takes {index.Dimension}-dimensional vectors.");
        if (metadata.DimensionReduction is { } reduction && index is not FaissPreTransformData)
            throw new InvalidDataException(
                $"{MetadataEntry} asks for {reduction.Type} dimension reduction ({reduction.InputDim} → {reduction.TargetDim}, seed {reduction.Seed}) " +
                $"but {IndexEntry} holds a plain {index.Describe()} without the transform; knn cannot rebuild the projection from the seed.");
        return content;
    }

    private static async Task WriteEntryAsync(TarWriter tar, string name, Stream data, CancellationToken cancellationToken)
    {
        data.Position = 0;
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = data, Mode = EntryMode };
        await tar.WriteEntryAsync(entry, cancellationToken);
    }
}
