using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace KnnCli.Core.Formats;

/// <summary>
/// A numeric tensor of an <c>aialgs.data.Record</c>: dense when <see cref="Keys"/> is empty, else sparse with
/// each key the position of the value at the same index. Float64 and Int32 tensors are read into this too.
/// </summary>
public sealed record Float32Tensor(float[] Values, ulong[] Keys, ulong[] Shape)
{
    public Float32Tensor(float[] values) : this(values, [], []) { }

    /// <summary>Keys, or a shape with no values at all (a sparse row of zeros, as the SDK writes one).</summary>
    public bool IsSparse => Keys.Length > 0 || (Values.Length == 0 && Shape.Length > 0);

    /// <summary>The tensor as a dense vector of <paramref name="dimension"/> values (sparse ones filled with zeros).</summary>
    /// <exception cref="InvalidDataException">The values do not make a vector of that length.</exception>
    public float[] ToDense(int dimension, string what)
    {
        if (!IsSparse)
        {
            return Values.Length == dimension ? Values
                : throw new InvalidDataException($"{what} has {Values.Length} values; {dimension} were expected.");
        }
        if (Keys.Length != Values.Length)
            throw new InvalidDataException($"{what} is sparse with {Keys.Length} keys but {Values.Length} values.");
        if (Shape.Length > 0 && (Shape.Length != 1 || Shape[0] != (ulong)dimension))
            throw new InvalidDataException($"{what} has shape [{string.Join(", ", Shape)}]; [{dimension}] was expected.");
        var dense = new float[dimension];
        for (var i = 0; i < Keys.Length; i++)
        {
            if (Keys[i] >= (ulong)dimension) throw new InvalidDataException($"{what} has key {Keys[i]}, outside a vector of {dimension}.");
            dense[Keys[i]] = Values[i];
        }
        return dense;
    }
}

/// <summary>An <c>aialgs.data.Record</c>: named feature and label tensors (uid, metadata and configuration are not kept).</summary>
public sealed record ProtobufRecord(IReadOnlyDictionary<string, Float32Tensor> Features, IReadOnlyDictionary<string, Float32Tensor> Label);

/// <summary>
/// Protocol-buffers encoding of SageMaker's <c>aialgs.data.Record</c> (the SageMaker Python SDK's record.proto,
/// proto2), written and read by hand so no protobuf library is needed at run time:
/// <code>
/// message Float32Tensor { repeated float values = 1 [packed]; repeated uint64 keys = 2 [packed]; repeated uint64 shape = 3 [packed]; }
/// message Float64Tensor { repeated double values = 1 [packed]; … keys = 2; … shape = 3; }
/// message Int32Tensor   { repeated int32 values = 1 [packed]; … keys = 2; … shape = 3; }
/// message Value  { oneof value { Float32Tensor float32_tensor = 2; Float64Tensor float64_tensor = 3; Int32Tensor int32_tensor = 7; Bytes bytes = 9; } }
/// message Record { map&lt;string, Value&gt; features = 1; map&lt;string, Value&gt; label = 2; optional string uid = 3; metadata = 4; configuration = 5; }
/// </code>
/// Written as protobuf's deterministic serialization writes it: fields in number order, map entries sorted by
/// key, each map entry with its key (1) then its value (2), empty repeated fields left out.
/// </summary>
public static class RecordProtobuf
{
    /// <summary>The key the SDK uses for a record's feature vector and its scalar label.</summary>
    public const string ValuesKey = "values";

    private const int FeaturesField = 1;
    private const int LabelField = 2;
    private const int MapKeyField = 1;
    private const int MapValueField = 2;
    private const int Float32TensorField = 2;
    private const int Float64TensorField = 3;
    private const int Int32TensorField = 7;
    private const int TensorValuesField = 1;
    private const int TensorKeysField = 2;
    private const int TensorShapeField = 3;

    private const int VarintWire = 0;
    private const int Fixed64Wire = 1;
    private const int LengthWire = 2;
    private const int Fixed32Wire = 5;

    /// <summary>One RecordIO frame holding <paramref name="record"/>.</summary>
    public static void WriteFramed(IBufferWriter<byte> output, ProtobufRecord record)
    {
        var length = 0;
        foreach (var (key, tensor) in Sorted(record.Features)) length += EntrySize(key, tensor.Values, tensor.Keys, tensor.Shape);
        foreach (var (key, tensor) in Sorted(record.Label)) length += EntrySize(key, tensor.Values, tensor.Keys, tensor.Shape);
        RecordIo.WriteHeader(output, length);
        foreach (var (key, tensor) in Sorted(record.Features)) WriteEntry(output, FeaturesField, key, tensor.Values, tensor.Keys, tensor.Shape);
        foreach (var (key, tensor) in Sorted(record.Label)) WriteEntry(output, LabelField, key, tensor.Values, tensor.Keys, tensor.Shape);
        RecordIo.WritePadding(output, length);
    }

    /// <summary>
    /// One frame as the SDK's <c>write_numpy_to_dense_tensor</c> writes a row: features["values"] and, when
    /// <paramref name="label"/> is given, label["values"] = [label].
    /// </summary>
    public static void WriteFramedDense(IBufferWriter<byte> output, ReadOnlySpan<float> features, float? label)
    {
        ReadOnlySpan<float> labelValues = label is { } value ? [value] : [];
        var length = EntrySize(ValuesKey, features, [], []) + (label is null ? 0 : EntrySize(ValuesKey, labelValues, [], []));
        RecordIo.WriteHeader(output, length);
        WriteEntry(output, FeaturesField, ValuesKey, features, [], []);
        if (label is not null) WriteEntry(output, LabelField, ValuesKey, labelValues, [], []);
        RecordIo.WritePadding(output, length);
    }

    /// <summary>
    /// One frame of a k-NN response: features empty, label["predicted_label"] = [prediction] and, when verbose,
    /// label["distances"] and label["labels"] (k each, nearest first). Keys in sorted order.
    /// </summary>
    public static void WriteFramedPrediction(IBufferWriter<byte> output, float prediction, ReadOnlySpan<float> distances, ReadOnlySpan<float> labels, bool verbose)
    {
        ReadOnlySpan<float> predicted = [prediction];
        var length = EntrySize(PredictionKeys.PredictedLabel, predicted, [], []);
        if (verbose) length += EntrySize(PredictionKeys.Distances, distances, [], []) + EntrySize(PredictionKeys.Labels, labels, [], []);
        RecordIo.WriteHeader(output, length);
        if (verbose)
        {
            WriteEntry(output, LabelField, PredictionKeys.Distances, distances, [], []);
            WriteEntry(output, LabelField, PredictionKeys.Labels, labels, [], []);
        }
        WriteEntry(output, LabelField, PredictionKeys.PredictedLabel, predicted, [], []);
        RecordIo.WritePadding(output, length);
    }

    /// <summary>The label keys of a k-NN response record.</summary>
    public static class PredictionKeys
    {
        public const string PredictedLabel = "predicted_label";
        public const string Distances = "distances";
        public const string Labels = "labels";
    }

    /// <summary>Every record of a RecordIO-protobuf body, in order.</summary>
    /// <exception cref="InvalidDataException">The framing or a message is malformed.</exception>
    public static List<ProtobufRecord> ParseAll(ReadOnlySpan<byte> body)
    {
        var records = new List<ProtobufRecord>();
        long offset = 0;
        while (true)
        {
            var at = offset;
            if (!RecordIo.TryRead(ref body, ref offset, out var payload)) return records;
            records.Add(Parse(payload, at));
        }
    }

    /// <summary>Decodes one Record payload (without its RecordIO frame). Unknown fields are skipped.</summary>
    /// <param name="offset">Where the record's frame starts, for error messages.</param>
    public static ProtobufRecord Parse(ReadOnlySpan<byte> payload, long offset = 0)
    {
        var features = new Dictionary<string, Float32Tensor>(StringComparer.Ordinal);
        var label = new Dictionary<string, Float32Tensor>(StringComparer.Ordinal);
        var reader = new Reader(payload, offset);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field is FeaturesField or LabelField && wire == LengthWire)
            {
                var entry = new Reader(reader.ReadLengthDelimited(), offset);
                var (key, tensor) = ReadEntry(ref entry);
                if (tensor is not null) (field == FeaturesField ? features : label)[key] = tensor;
            }
            else
            {
                reader.Skip(wire);
            }
        }
        return new ProtobufRecord(features, label);
    }

    private static (string Key, Float32Tensor? Tensor) ReadEntry(ref Reader entry)
    {
        var key = "";
        Float32Tensor? tensor = null;
        while (entry.TryReadTag(out var field, out var wire))
        {
            if (field == MapKeyField && wire == LengthWire) key = Encoding.UTF8.GetString(entry.ReadLengthDelimited());
            else if (field == MapValueField && wire == LengthWire) tensor = ReadValue(entry.ReadLengthDelimited(), entry.Offset);
            else entry.Skip(wire);
        }
        return (key, tensor);
    }

    /// <summary>A Value message: its numeric tensor, or null for bytes (not numbers) and an unset value.</summary>
    private static Float32Tensor? ReadValue(ReadOnlySpan<byte> value, long offset)
    {
        Float32Tensor? tensor = null;
        var reader = new Reader(value, offset);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (wire == LengthWire && field is Float32TensorField or Float64TensorField or Int32TensorField)
                tensor = ReadTensor(reader.ReadLengthDelimited(), field, offset);
            else
                reader.Skip(wire);
        }
        return tensor;
    }

    private static Float32Tensor ReadTensor(ReadOnlySpan<byte> message, int kind, long offset)
    {
        var values = new List<float>();
        var keys = new List<ulong>();
        var shape = new List<ulong>();
        var reader = new Reader(message, offset);
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case TensorValuesField when wire == LengthWire:
                    var packed = new Reader(reader.ReadLengthDelimited(), offset);
                    while (!packed.AtEnd) values.Add(ReadNumber(ref packed, kind));
                    break;
                case TensorValuesField when wire == ExpectedScalarWire(kind):
                    values.Add(ReadNumber(ref reader, kind));
                    break;
                case TensorKeysField or TensorShapeField when wire == LengthWire:
                    var varints = new Reader(reader.ReadLengthDelimited(), offset);
                    while (!varints.AtEnd) (field == TensorKeysField ? keys : shape).Add(varints.ReadVarint());
                    break;
                case TensorKeysField or TensorShapeField when wire == VarintWire:
                    (field == TensorKeysField ? keys : shape).Add(reader.ReadVarint());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        return new Float32Tensor([.. values], [.. keys], [.. shape]);
    }

    private static int ExpectedScalarWire(int kind) => kind switch
    {
        Float32TensorField => Fixed32Wire,
        Float64TensorField => Fixed64Wire,
        _ => VarintWire,
    };

    private static float ReadNumber(ref Reader reader, int kind) => kind switch
    {
        Float32TensorField => BinaryPrimitives.ReadSingleLittleEndian(reader.ReadFixed(4)),
        Float64TensorField => (float)BinaryPrimitives.ReadDoubleLittleEndian(reader.ReadFixed(8)),
        _ => (int)reader.ReadVarint(), // int32 is a sign-extended 64-bit varint
    };

    private static IEnumerable<KeyValuePair<string, Float32Tensor>> Sorted(IReadOnlyDictionary<string, Float32Tensor> map) =>
        map.OrderBy(p => p.Key, StringComparer.Ordinal);

    // Sizes: a map entry is key (1) + Value (2); a Value holds float32_tensor (2); a tensor holds its packed fields.
    private static int TensorSize(ReadOnlySpan<float> values, ReadOnlySpan<ulong> keys, ReadOnlySpan<ulong> shape) =>
        PackedSize(values.Length * 4) + PackedSize(VarintsSize(keys)) + PackedSize(VarintsSize(shape));

    private static int PackedSize(int bytes) => bytes == 0 ? 0 : LengthFieldSize(bytes);

    private static int LengthFieldSize(int bytes) => 1 + VarintSize((ulong)bytes) + bytes;

    private static int EntryBodySize(string key, ReadOnlySpan<float> values, ReadOnlySpan<ulong> keys, ReadOnlySpan<ulong> shape) =>
        LengthFieldSize(Encoding.UTF8.GetByteCount(key)) + LengthFieldSize(LengthFieldSize(TensorSize(values, keys, shape)));

    private static int EntrySize(string key, ReadOnlySpan<float> values, ReadOnlySpan<ulong> keys, ReadOnlySpan<ulong> shape) =>
        LengthFieldSize(EntryBodySize(key, values, keys, shape));

    private static void WriteEntry(IBufferWriter<byte> output, int mapField, string key, ReadOnlySpan<float> values, ReadOnlySpan<ulong> keys, ReadOnlySpan<ulong> shape)
    {
        var tensorSize = TensorSize(values, keys, shape);
        WriteTag(output, mapField, LengthWire);
        WriteVarint(output, (ulong)EntryBodySize(key, values, keys, shape));
        WriteTag(output, MapKeyField, LengthWire);
        var keyBytes = Encoding.UTF8.GetByteCount(key);
        WriteVarint(output, (ulong)keyBytes);
        Encoding.UTF8.GetBytes(key, output.GetSpan(keyBytes));
        output.Advance(keyBytes);
        WriteTag(output, MapValueField, LengthWire);
        WriteVarint(output, (ulong)LengthFieldSize(tensorSize));
        WriteTag(output, Float32TensorField, LengthWire);
        WriteVarint(output, (ulong)tensorSize);
        if (!values.IsEmpty)
        {
            WriteTag(output, TensorValuesField, LengthWire);
            WriteVarint(output, (ulong)(values.Length * 4));
            var span = output.GetSpan(values.Length * 4);
            for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(span[(i * 4)..], values[i]);
            output.Advance(values.Length * 4);
        }
        WritePackedVarints(output, TensorKeysField, keys);
        WritePackedVarints(output, TensorShapeField, shape);
    }

    private static void WritePackedVarints(IBufferWriter<byte> output, int field, ReadOnlySpan<ulong> values)
    {
        if (values.IsEmpty) return;
        WriteTag(output, field, LengthWire);
        WriteVarint(output, (ulong)VarintsSize(values));
        foreach (var value in values) WriteVarint(output, value);
    }

    private static int VarintsSize(ReadOnlySpan<ulong> values)
    {
        var size = 0;
        foreach (var value in values) size += VarintSize(value);
        return size;
    }

    private static int VarintSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }
        return size;
    }

    private static void WriteTag(IBufferWriter<byte> output, int field, int wire) => WriteVarint(output, (ulong)((field << 3) | wire));

    private static void WriteVarint(IBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i++] = (byte)value;
        output.Advance(i);
    }

    /// <summary>Reads protobuf wire format from a span; malformed input throws <see cref="InvalidDataException"/>.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data, long offset)
    {
        private ReadOnlySpan<byte> _data = data;

        public readonly bool AtEnd => _data.IsEmpty;

        public readonly long Offset => offset;

        public bool TryReadTag(out int field, out int wire)
        {
            field = wire = 0;
            if (_data.IsEmpty) return false;
            var tag = ReadVarint();
            field = (int)(tag >> 3);
            wire = (int)(tag & 7);
            if (field == 0) throw Malformed("a field number 0");
            return true;
        }

        public ulong ReadVarint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 70; shift += 7)
            {
                if (_data.IsEmpty) throw Malformed("a number cut short");
                var b = _data[0];
                _data = _data[1..];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return value;
            }
            throw Malformed("a number longer than 10 bytes");
        }

        public ReadOnlySpan<byte> ReadFixed(int length)
        {
            if (_data.Length < length) throw Malformed("a value cut short");
            var value = _data[..length];
            _data = _data[length..];
            return value;
        }

        public ReadOnlySpan<byte> ReadLengthDelimited()
        {
            var length = ReadVarint();
            if (length > (ulong)_data.Length) throw Malformed($"a field of {length} bytes where {_data.Length} remain");
            return ReadFixed((int)length);
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case VarintWire: ReadVarint(); break;
                case Fixed64Wire: ReadFixed(8); break;
                case LengthWire: ReadLengthDelimited(); break;
                case Fixed32Wire: ReadFixed(4); break;
                default: throw Malformed($"wire type {wire}");
            }
        }

        private readonly InvalidDataException Malformed(string what) =>
            new($"The protobuf Record in the RecordIO frame at byte {offset} is malformed: {what}.");
    }
}
