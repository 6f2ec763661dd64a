using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KnnCli.Core.Formats;
using KnnCli.Engine.Tests;

namespace KnnCli.Core.Tests.Formats;

public sealed class RecordProtobufTests : IDisposable
{
    private static readonly string Script = DebianPython.Script("record_protobuf.py");
    private readonly string _work = Directory.CreateTempSubdirectory("knn-recordio-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    /// <summary>
    /// features["values"] = [1.0, 2.0], label["values"] = [0.5], worked out by hand from the wire format:
    /// frame: magic 0xCED7230A little-endian (0A 23 D7 CE), length 44 (2C 00 00 00);
    /// field 1 (features map entry, wire type 2) = tag 0x0A, 22 bytes:
    ///   key (field 1, string) 0A 06 "values"; value (field 2, Value) 12 0C:
    ///     float32_tensor (field 2) 12 0A: values (field 1, packed) 0A 08 + 1.0f (00 00 80 3F) + 2.0f (00 00 00 40);
    /// field 2 (label map entry) = tag 0x12, 18 bytes: 0A 06 "values" 12 08 12 06 0A 04 + 0.5f (00 00 00 3F);
    /// 44 is a multiple of 4: no padding.
    /// </summary>
    [Fact]
    public void A_dense_row_encodes_to_the_hand_derived_bytes()
    {
        byte[] expected =
        [
            0x0A, 0x23, 0xD7, 0xCE, 0x2C, 0x00, 0x00, 0x00,
            0x0A, 0x16, 0x0A, 0x06, .."values"u8, 0x12, 0x0C, 0x12, 0x0A, 0x0A, 0x08, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40,
            0x12, 0x12, 0x0A, 0x06, .."values"u8, 0x12, 0x08, 0x12, 0x06, 0x0A, 0x04, 0x00, 0x00, 0x00, 0x3F,
        ];
        var output = new ArrayBufferWriter<byte>();
        RecordProtobuf.WriteFramedDense(output, [1f, 2f], 0.5f);
        Assert.Equal(expected, output.WrittenSpan.ToArray());

        var record = Assert.Single(RecordProtobuf.ParseAll(expected));
        Assert.Equal([1f, 2f], record.Features["values"].Values);
        Assert.Equal([0.5f], record.Label["values"].Values);
    }

    [Fact]
    public void A_payload_that_is_not_a_multiple_of_four_is_padded_with_zeros()
    {
        var output = new ArrayBufferWriter<byte>();
        RecordProtobuf.WriteFramedDense(output, [1f], label: null); // 0A 12 0A 06 values 12 08 12 06 0A 04 f = 20 bytes + 0
        var single = output.WrittenSpan.ToArray();
        Assert.Equal(20, BitConverter.ToInt32(single, 4));
        Assert.Equal(28, single.Length);

        output.Clear();
        RecordProtobuf.WriteFramed(output, Record(features: new() { ["x"] = new Float32Tensor([1f]) })); // key "x": 15 bytes
        var padded = output.WrittenSpan.ToArray();
        Assert.Equal(15, BitConverter.ToInt32(padded, 4));
        Assert.Equal(8 + 16, padded.Length);
        Assert.Equal(0, padded[^1]);
    }

    [Fact]
    public async Task Our_bytes_are_the_bytes_of_pythons_protobuf_and_each_reads_the_others()
    {
        var records = new List<ProtobufRecord>
        {
            Record(new() { ["values"] = new Float32Tensor([5.1f, 3.5f, 1.4f, 0.2f]) }, new() { ["values"] = new Float32Tensor([0f]) }),
            Record(new() { ["values"] = new Float32Tensor([-0f, float.Epsilon, float.MaxValue, 1e-5f, float.NaN]) }),
            // A sparse vector, keys and shape as varints of 1, 2 and 3 bytes.
            Record(new() { ["values"] = new Float32Tensor([1f, 2f, 3f], [0, 300, 70000], [100000]) }),
            // Several keys on both maps (written sorted), an empty tensor, a long key and a long tensor (2-byte lengths).
            Record(new() { ["zeta"] = new Float32Tensor([1f]), ["alpha"] = new Float32Tensor([]), [new string('k', 200)] = new Float32Tensor(Enumerable.Range(0, 300).Select(i => i * 0.25f).ToArray()) },
                new() { ["predicted_label"] = new Float32Tensor([2f]), ["distances"] = new Float32Tensor([0f, 79f, 84f]), ["labels"] = new Float32Tensor([2f, 2f, 1f]) }),
            Record(),
        };
        var ours = new ArrayBufferWriter<byte>();
        foreach (var record in records) RecordProtobuf.WriteFramed(ours, record);

        var spec = Path.Combine(_work, "records.json");
        await File.WriteAllTextAsync(spec, ToJson(records).ToJsonString());
        var pythonFile = Path.Combine(_work, "python.bin");
        await RunPythonAsync("encode", spec, pythonFile);
        var theirs = await File.ReadAllBytesAsync(pythonFile);

        Assert.Equal(Convert.ToHexString(theirs), Convert.ToHexString(ours.WrittenSpan));
        AssertSame(records, RecordProtobuf.ParseAll(theirs));

        var oursFile = Path.Combine(_work, "ours.bin");
        await File.WriteAllBytesAsync(oursFile, ours.WrittenSpan.ToArray());
        var decoded = JsonNode.Parse(await RunPythonAsync("decode", oursFile))!;
        Assert.Equal(ToJson(records).ToJsonString(), Compact(decoded).ToJsonString());
    }

    [Fact]
    public async Task The_prediction_writer_matches_python_for_plain_and_verbose_records()
    {
        var ours = new ArrayBufferWriter<byte>();
        RecordProtobuf.WriteFramedPrediction(ours, 1f, [], [], verbose: false);
        RecordProtobuf.WriteFramedPrediction(ours, 2f, [0f, 79f, 84f], [2f, 2f, 1f], verbose: true);
        List<ProtobufRecord> expected =
        [
            Record(label: new() { ["predicted_label"] = new Float32Tensor([1f]) }),
            Record(label: new() { ["predicted_label"] = new Float32Tensor([2f]), ["distances"] = new Float32Tensor([0f, 79f, 84f]), ["labels"] = new Float32Tensor([2f, 2f, 1f]) }),
        ];
        var spec = Path.Combine(_work, "predictions.json");
        await File.WriteAllTextAsync(spec, ToJson(expected).ToJsonString());
        var pythonFile = Path.Combine(_work, "predictions.bin");
        await RunPythonAsync("encode", spec, pythonFile);
        Assert.Equal(Convert.ToHexString(await File.ReadAllBytesAsync(pythonFile)), Convert.ToHexString(ours.WrittenSpan));
    }

    [Fact]
    public async Task Float64_and_int32_tensors_written_by_python_are_read_as_floats()
    {
        // The SDK writes labels as int32 or float64 tensors when the numpy array has that type.
        var spec = Path.Combine(_work, "typed.json");
        await File.WriteAllTextAsync(spec, """
            [{"features": {"values": {"type": "float64", "values": [1.5, -2.25, 1e300]}},
              "label": {"values": {"type": "int32", "values": [-3]}}}]
            """);
        var file = Path.Combine(_work, "typed.bin");
        await RunPythonAsync("encode", spec, file);
        var record = Assert.Single(RecordProtobuf.ParseAll(await File.ReadAllBytesAsync(file)));
        Assert.Equal([1.5f, -2.25f, float.PositiveInfinity], record.Features["values"].Values);
        Assert.Equal([-3f], record.Label["values"].Values);
    }

    [Theory]
    [InlineData(new byte[] { 0x0A, 0x23, 0xD7 }, "ends inside a record header at byte 0")]
    [InlineData(new byte[] { 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0 }, "expected the magic number 0xCED7230A, found 0x04030201")]
    [InlineData(new byte[] { 0x0A, 0x23, 0xD7, 0xCE, 0x10, 0, 0, 0, 0x0A }, "declares 16 payload bytes but only 1 follow")]
    [InlineData(new byte[] { 0x0A, 0x23, 0xD7, 0xCE, 0x01, 0, 0, 0x20, 0x00, 0, 0, 0 }, "split over several frames")]
    [InlineData(new byte[] { 0x0A, 0x23, 0xD7, 0xCE, 0x02, 0, 0, 0, 0x0A, 0x7F, 0, 0 }, "a field of 127 bytes where 0 remain")]
    public void Malformed_input_is_refused_with_a_reason(byte[] body, string reason)
    {
        var error = Assert.Throws<InvalidDataException>(() => RecordProtobuf.ParseAll(body));
        Assert.Contains(reason, error.Message);
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(RecordGenerators)])]
    public bool Random_records_survive_a_round_trip(ProtobufRecord[] records)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var record in records) RecordProtobuf.WriteFramed(output, record);
        Assert.Equal(0, output.WrittenCount % 4);
        var parsed = RecordProtobuf.ParseAll(output.WrittenSpan);
        AssertSame(records, parsed);
        return true;
    }

    private static void AssertSame(IReadOnlyList<ProtobufRecord> expected, IReadOnlyList<ProtobufRecord> actual) =>
        Assert.Equal(ToJson(expected).ToJsonString(), ToJson(actual).ToJsonString());

    private static ProtobufRecord Record(Dictionary<string, Float32Tensor>? features = null, Dictionary<string, Float32Tensor>? label = null) =>
        new(features ?? [], label ?? []);

    /// <summary>Records in the Python script's JSON (float32 values as bit patterns), maps sorted by key.</summary>
    private static JsonArray ToJson(IEnumerable<ProtobufRecord> records) =>
        new(records.Select(r => (JsonNode)new JsonObject { ["features"] = Map(r.Features), ["label"] = Map(r.Label) }).ToArray());

    private static JsonObject Map(IReadOnlyDictionary<string, Float32Tensor> map)
    {
        var json = new JsonObject();
        foreach (var (key, tensor) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            json[key] = new JsonObject
            {
                ["type"] = "float32",
                ["values"] = new JsonArray(tensor.Values.Select(v => (JsonNode)JsonValue.Create(BitConverter.SingleToUInt32Bits(v))).ToArray()),
                ["keys"] = new JsonArray(tensor.Keys.Select(k => (JsonNode)JsonValue.Create(k)).ToArray()),
                ["shape"] = new JsonArray(tensor.Shape.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()),
            };
        }
        return json;
    }

    /// <summary>Python's decode output without its whitespace, to compare as text.</summary>
    private static JsonNode Compact(JsonNode decoded) => JsonNode.Parse(decoded.ToJsonString(new JsonSerializerOptions { WriteIndented = false }))!;

    private static Task<string> RunPythonAsync(params string[] arguments) =>
        DebianPython.RunAsync(Script, "python3-protobuf and protobuf-compiler", TimeSpan.FromMinutes(2), arguments);
}

/// <summary>Random records: up to four keys per map, dense or sparse tensors, any float32 bit pattern.</summary>
public static class RecordGenerators
{
    public static Arbitrary<ProtobufRecord[]> Records()
    {
        var value = Gen.Choose(int.MinValue, int.MaxValue).Select(bits => BitConverter.Int32BitsToSingle(bits));
        var varint = Gen.OneOf(Gen.Choose(0, 200).Select(i => (ulong)i), Gen.Choose(0, int.MaxValue).Select(i => (ulong)i * 4099UL));
        var tensor = Gen.OneOf(
            value.ArrayOf().Select(values => new Float32Tensor(values)),
            value.ArrayOf().SelectMany(values => varint.ArrayOf(values.Length), (values, keys) => (values, keys))
                .SelectMany(t => varint.ArrayOf(), (t, shape) => new Float32Tensor(t.values, t.keys, shape)));
        var key = Gen.Elements("values", "predicted_label", "", "é", "k").SelectMany(_ => Gen.Choose(0, 3), (k, n) => k + new string('x', n));
        var map = Gen.ListOf(key.SelectMany(_ => tensor, (k, t) => (k, t)))
            .Select(entries => (IReadOnlyDictionary<string, Float32Tensor>)entries.Take(4).GroupBy(e => e.k).ToDictionary(g => g.Key, g => g.First().t));
        var record = map.SelectMany(_ => map, (features, label) => new ProtobufRecord(features, label));
        return record.ArrayOf().ToArbitrary();
    }
}
