using System.Buffers;
using KnnCli.Core.Formats;
using KnnCli.Core.IO;
using KnnCli.Core.Workflow;

namespace KnnCli.Core.Data;

/// <summary>Reads labelled rows in batches, whatever the channel's format.</summary>
public interface INumericBatchReader : IDisposable
{
    /// <summary>Up to <paramref name="maxRows"/> rows; an empty batch at the end of the data.</summary>
    Task<NumericBatch> ReadBatchAsync(int maxRows, CancellationToken cancellationToken);
}

/// <summary>
/// The two training channel formats the k-NN algorithm reads: label-first CSV (text/csv) and RecordIO-protobuf
/// (application/x-recordio-protobuf, features["values"] and label["values"], as the SDK's record_set() writes).
/// A channel's format follows from its file name: .pbr (the SDK's name) or .recordio is RecordIO-protobuf.
/// </summary>
public static class TrainingData
{
    public const string RecordIoExtension = ".pbr";

    public static bool IsRecordIo(string pathOrUri) =>
        pathOrUri.EndsWith(RecordIoExtension, StringComparison.OrdinalIgnoreCase) || pathOrUri.EndsWith(".recordio", StringComparison.OrdinalIgnoreCase);

    /// <summary>The channel content type for a file or object of this name.</summary>
    public static string ContentTypeOf(string pathOrUri) => IsRecordIo(pathOrUri) ? InferencePayloads.RecordIo : InferencePayloads.Csv;

    /// <param name="displayName">How errors name the source (a path or s3:// URI).</param>
    /// <param name="contentType">The channel's content type (parameters such as label_size are ignored).</param>
    public static INumericBatchReader OpenReader(Stream stream, string displayName, string contentType) =>
        InferencePayloads.MediaType(contentType) == InferencePayloads.RecordIo
            ? new RecordIoBatchReader(stream, displayName)
            : new NumericCsvReader(stream, displayName);

    /// <summary>
    /// Converts a label-first CSV into RecordIO-protobuf, one Record per row (float32 features and label), streaming,
    /// written atomically.
    /// </summary>
    /// <returns>The number of records written.</returns>
    public static async Task<long> ConvertCsvToRecordIoAsync(string csvPath, string recordIoPath, CancellationToken cancellationToken)
    {
        long rows = 0;
        await AtomicFile.WriteAsync(recordIoPath, async (output, ct) =>
        {
            await using var input = File.OpenRead(csvPath);
            using var reader = new NumericCsvReader(input, csvPath);
            var frames = new ArrayBufferWriter<byte>(1 << 20);
            while (true)
            {
                var batch = await reader.ReadBatchAsync(5000, ct);
                if (batch.RowCount == 0) break;
                frames.ResetWrittenCount();
                for (var r = 0; r < batch.RowCount; r++)
                    RecordProtobuf.WriteFramedDense(frames, batch.Features.AsSpan(r * batch.FeatureCount, batch.FeatureCount), batch.Labels[r]);
                await output.WriteAsync(frames.WrittenMemory, ct);
                rows += batch.RowCount;
            }
        }, cancellationToken);
        return rows;
    }

    /// <summary>Streams Records off a RecordIO-protobuf channel: every record needs features["values"] and label["values"].</summary>
    private sealed class RecordIoBatchReader(Stream stream, string displayName) : INumericBatchReader
    {
        private readonly byte[] _header = new byte[RecordIo.HeaderBytes];
        private byte[] _payload = new byte[4096];
        private long _offset;
        private long _record;
        private int? _featureCount;

        public async Task<NumericBatch> ReadBatchAsync(int maxRows, CancellationToken cancellationToken)
        {
            var features = new List<float>();
            var labels = new List<float>();
            var rows = 0;
            while (rows < maxRows && await ReadRecordAsync(cancellationToken) is { } record)
            {
                _record++;
                if (!record.Features.TryGetValue(RecordProtobuf.ValuesKey, out var tensor))
                    throw DataErrors.InFile(displayName, $"record {_record} has no features[\"values\"] tensor");
                if (!record.Label.TryGetValue(RecordProtobuf.ValuesKey, out var label) || label.Values.Length != 1)
                    throw DataErrors.InFile(displayName, $"record {_record} has no label[\"values\"] of one value (training needs a label)");
                _featureCount ??= tensor.IsSparse && tensor.Shape.Length == 1 ? (int)tensor.Shape[0] : tensor.Values.Length;
                float[] row;
                try
                {
                    row = tensor.ToDense(_featureCount.Value, $"record {_record}'s features");
                }
                catch (InvalidDataException e)
                {
                    throw DataErrors.InFile(displayName, e.Message);
                }
                if (row.Length == 0) throw DataErrors.InFile(displayName, $"record {_record} has no features");
                var bad = Array.FindIndex(row, v => !float.IsFinite(v));
                if (bad >= 0 || !float.IsFinite(label.Values[0]))
                    throw DataErrors.InFile(displayName, $"record {_record}: {(bad >= 0 ? $"feature {bad + 1}" : "the label")} is not a finite number");
                features.AddRange(row);
                labels.Add(label.Values[0]);
                rows++;
            }
            return new NumericBatch([.. features], [.. labels], rows, _featureCount ?? 0);
        }

        private async Task<ProtobufRecord?> ReadRecordAsync(CancellationToken cancellationToken)
        {
            var got = await stream.ReadAtLeastAsync(_header, _header.Length, throwOnEndOfStream: false, cancellationToken);
            if (got == 0) return null;
            try
            {
                var length = RecordIo.ReadHeader(_header.AsSpan(0, got), _offset, out var framed);
                if (_payload.Length < framed - RecordIo.HeaderBytes) _payload = new byte[framed - RecordIo.HeaderBytes];
                var body = framed - RecordIo.HeaderBytes;
                var read = await stream.ReadAtLeastAsync(_payload.AsMemory(0, body), body, throwOnEndOfStream: false, cancellationToken);
                if (read < length)
                    throw new InvalidDataException($"RecordIO record at byte {_offset} declares {length:N0} payload bytes but only {read:N0} follow.");
                var record = RecordProtobuf.Parse(_payload.AsSpan(0, length), _offset);
                _offset += framed;
                return record;
            }
            catch (InvalidDataException e)
            {
                throw DataErrors.InFile(displayName, e.Message);
            }
        }

        public void Dispose() => stream.Dispose();
    }
}
