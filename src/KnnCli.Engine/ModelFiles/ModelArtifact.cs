using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace KnnCli.Engine.ModelFiles;

/// <summary>
/// model.tar.gz as SageMaker's k-NN container writes it: model_algo-1 (the faiss index), model_algo-1.labels
/// (raw little-endian float32, one per indexed vector, in index order) and model_algo-1.json (metadata).
/// </summary>
public static class ModelArtifact
{
    public const string IndexEntry = "model_algo-1";
    public const string LabelsEntry = "model_algo-1.labels";
    public const string MetadataEntry = "model_algo-1.json";

    public static async Task WriteAsync(Stream destination, KnnModel model, CancellationToken cancellationToken)
    {
        await using var gzip = new GZipStream(destination, CompressionLevel.Fastest, leaveOpen: true);
        await using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);

        using var index = new MemoryStream();
        FaissIndexFormat.Write(index, model.Index);
        await WriteEntryAsync(tar, IndexEntry, index, cancellationToken);

        using var labels = new MemoryStream(MemoryMarshal.AsBytes(model.Labels.AsSpan()).ToArray());
        await WriteEntryAsync(tar, LabelsEntry, labels, cancellationToken);

        using var metadata = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(model.Metadata, EngineJsonContext.Default.ModelMetadata));
        await WriteEntryAsync(tar, MetadataEntry, metadata, cancellationToken);
    }

    public static async Task<KnnModel> ReadAsync(Stream source, CancellationToken cancellationToken)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await using (var gzip = new GZipStream(source, CompressionMode.Decompress, leaveOpen: true))
        await using (var tar = new TarReader(gzip, leaveOpen: true))
        {
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                var name = Path.GetFileName(entry.Name);
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
                if (name is not (IndexEntry or LabelsEntry or MetadataEntry)) continue;
                using var buffer = new MemoryStream();
                await entry.DataStream.CopyToAsync(buffer, cancellationToken);
                files[name] = buffer.ToArray();
            }
        }
        return FromFiles(files);
    }

    /// <summary>Builds a model from the three files of an extracted artifact (as in /opt/ml/model).</summary>
    public static KnnModel FromFiles(IReadOnlyDictionary<string, byte[]> files)
    {
        foreach (var required in new[] { IndexEntry, LabelsEntry, MetadataEntry })
        {
            if (!files.ContainsKey(required))
                throw new InvalidDataException($"The model artifact has no {required} (found: {(files.Count == 0 ? "nothing" : string.Join(", ", files.Keys))}).");
        }
        var metadata = JsonSerializer.Deserialize(files[MetadataEntry], EngineJsonContext.Default.ModelMetadata)
            ?? throw new InvalidDataException($"{MetadataEntry} is empty.");
        using var indexStream = new MemoryStream(files[IndexEntry], writable: false);
        var index = FaissIndexFormat.Read(indexStream);
        var labelBytes = files[LabelsEntry];
        if (labelBytes.Length % sizeof(float) != 0)
            throw new InvalidDataException($"{LabelsEntry} is {labelBytes.Length} bytes, not a whole number of float32 labels.");
        var labels = MemoryMarshal.Cast<byte, float>(labelBytes).ToArray();
        if (labels.Length != index.Count)
            throw new InvalidDataException($"{LabelsEntry} holds {labels.Length} labels but the index holds {index.Count} vectors.");
        return new KnnModel(index, labels, metadata);
    }

    private static async Task WriteEntryAsync(TarWriter tar, string name, Stream data, CancellationToken cancellationToken)
    {
        data.Position = 0;
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = data, Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead };
        await tar.WriteEntryAsync(entry, cancellationToken);
    }
}
