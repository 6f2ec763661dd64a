using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using KnnCli.Core.Errors;
using KnnCli.Core.Formats;

namespace KnnCli.Core.Workflow;

/// <summary>One prediction as the endpoint returns it; labels and distances only in verbose mode.</summary>
public sealed record EndpointPrediction
{
    [JsonPropertyName("predicted_label")] public double PredictedLabel { get; init; }
    [JsonPropertyName("labels")] public double[]? Labels { get; init; }
    [JsonPropertyName("distances")] public double[]? Distances { get; init; }
}

public sealed record EndpointPredictions([property: JsonPropertyName("predictions")] EndpointPrediction[] Predictions);

[JsonSerializable(typeof(EndpointPredictions))]
[JsonSerializable(typeof(EndpointPrediction))]
internal sealed partial class PayloadJsonContext : JsonSerializerContext;

/// <summary>The client side of SageMaker's k-NN inference contract: request bodies out, predictions in.</summary>
public static class InferencePayloads
{
    public const string Csv = "text/csv";
    public const string Json = "application/json";
    public const string JsonLines = "application/jsonlines";
    public const string RecordIo = "application/x-recordio-protobuf";

    /// <summary>A request body for rows [start, start+count) in the given content type.</summary>
    public static byte[] Serialize(IReadOnlyList<float[]> rows, int start, int count, string contentType)
    {
        var mediaType = MediaType(contentType);
        if (mediaType == RecordIo)
        {
            var records = new ArrayBufferWriter<byte>(count * (32 + rows[start].Length * 4));
            for (var i = start; i < start + count; i++) RecordProtobuf.WriteFramedDense(records, rows[i], label: null);
            return records.WrittenSpan.ToArray();
        }
        if (mediaType is not (Csv or Json or JsonLines))
            throw new InputException($"--content-type {contentType} is not supported: use {Csv}, {Json}, {JsonLines} or {RecordIo}.");
        // UTF-8 straight into one buffer: no string per value or per body.
        var body = new ArrayBufferWriter<byte>(count * (16 + rows[start].Length * 10));
        if (mediaType == Json) body.Write("{\"instances\":["u8);
        for (var i = start; i < start + count; i++)
        {
            if (mediaType == Json && i > start) body.Write(","u8);
            if (mediaType != Csv) body.Write("{\"features\":["u8);
            WriteFeatures(body, rows[i]);
            body.Write(mediaType switch { Csv => "\n"u8, Json => "]}"u8, _ => "]}\n"u8 });
        }
        if (mediaType == Json) body.Write("]}"u8);
        return body.WrittenSpan.ToArray();
    }

    /// <summary>The row's values as the shortest round-trip text ("R"), comma-separated.</summary>
    private static void WriteFeatures(ArrayBufferWriter<byte> body, float[] row)
    {
        for (var j = 0; j < row.Length; j++)
        {
            if (j > 0) body.Write(","u8);
            var span = body.GetSpan(32);
            if (!row[j].TryFormat(span, out var written, "R", CultureInfo.InvariantCulture))
                throw new InvalidOperationException("A float's text is longer than 32 bytes.");
            body.Advance(written);
        }
    }

    /// <summary>Parses a JSON, JSON Lines or RecordIO-protobuf response; it must hold exactly <paramref name="expected"/> predictions.</summary>
    public static EndpointPrediction[] Parse(byte[] body, string contentType, int expected)
    {
        EndpointPrediction[] predictions;
        try
        {
            predictions = MediaType(contentType) switch
            {
                JsonLines => Encoding.UTF8.GetString(body).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(line => JsonSerializer.Deserialize(line, PayloadJsonContext.Default.EndpointPrediction)!).ToArray(),
                RecordIo => RecordProtobuf.ParseAll(body).Select(FromRecord).ToArray(),
                _ => JsonSerializer.Deserialize(body, PayloadJsonContext.Default.EndpointPredictions)?.Predictions ?? [],
            };
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            throw new RemoteFailureException($"The endpoint's response is not valid {contentType} ({e.Message}).", e);
        }
        if (predictions.Length != expected)
            throw new RemoteFailureException($"The endpoint returned {predictions.Length} predictions for {expected} rows.");
        return predictions;
    }

    /// <summary>A response record: label["predicted_label"] = [x], and in verbose mode label["labels"] and label["distances"].</summary>
    private static EndpointPrediction FromRecord(ProtobufRecord record)
    {
        if (!record.Label.TryGetValue(RecordProtobuf.PredictionKeys.PredictedLabel, out var predicted) || predicted.Values.Length != 1)
            throw new InvalidDataException("a record has no label[\"predicted_label\"] of one value");
        return new EndpointPrediction
        {
            PredictedLabel = AsJsonReadsIt(predicted.Values[0]),
            Labels = record.Label.TryGetValue(RecordProtobuf.PredictionKeys.Labels, out var labels) ? [.. labels.Values.Select(AsJsonReadsIt)] : null,
            Distances = record.Label.TryGetValue(RecordProtobuf.PredictionKeys.Distances, out var distances) ? [.. distances.Values.Select(AsJsonReadsIt)] : null,
        };
    }

    /// <summary>
    /// A float32 as the double a JSON response gives for it (its shortest text, read back), so every response
    /// type yields the same numbers: 0.1f is 0.1 here, not 0.10000000149011612.
    /// </summary>
    private static double AsJsonReadsIt(float value) =>
        double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>The media type without parameters, lower case ("application/json; verbose=true" → "application/json").</summary>
    public static string MediaType(string contentType) => contentType.Split(';')[0].Trim().ToLowerInvariant();
}
