using System.Buffers;
using System.Globalization;
using System.Text.Json;
using KnnCli.Core.Formats;

namespace KnnCli.Serving.Contract;

/// <summary>
/// Writes predictions as SageMaker's k-NN container does: {"predictions":[{"predicted_label":1.0}]}, one
/// {"predicted_label":1.0} per line, or one RecordIO-protobuf Record per row with label["predicted_label"];
/// verbose adds "distances" and "labels" (k each, nearest first).
/// Labels and distances are float32 and always carry a decimal point or exponent (1.0, never 1).
/// </summary>
internal static class ResponseWriter
{
    private static readonly JsonEncodedText PredictionsName = JsonEncodedText.Encode("predictions");
    private static readonly JsonEncodedText PredictedLabelName = JsonEncodedText.Encode("predicted_label");
    private static readonly JsonEncodedText DistancesName = JsonEncodedText.Encode("distances");
    private static readonly JsonEncodedText LabelsName = JsonEncodedText.Encode("labels");

    /// <param name="json">A writer the caller reuses; it is reset onto <paramref name="output"/> here.</param>
    /// <param name="distances">k per row when verbose, else empty.</param>
    /// <param name="labels">k per row when verbose, else empty.</param>
    public static void Write(Utf8JsonWriter json, IBufferWriter<byte> output, ResponseFormat format,
        ReadOnlySpan<float> predictions, ReadOnlySpan<float> distances, ReadOnlySpan<float> labels, int k)
    {
        if (format.Kind == ResponseKind.RecordIo)
        {
            for (var row = 0; row < predictions.Length; row++)
            {
                RecordProtobuf.WriteFramedPrediction(output, predictions[row],
                    format.Verbose ? distances.Slice(row * k, k) : default, format.Verbose ? labels.Slice(row * k, k) : default, format.Verbose);
            }
            return;
        }
        var jsonLines = format.Kind == ResponseKind.JsonLines;
        json.Reset(output);
        if (!jsonLines)
        {
            json.WriteStartObject();
            json.WriteStartArray(PredictionsName);
        }
        for (var row = 0; row < predictions.Length; row++)
        {
            if (jsonLines && row > 0)
            {
                // Each line is its own JSON document: reset the writer so it writes no separating comma.
                json.Flush();
                output.Write("\n"u8);
                json.Reset(output);
            }
            json.WriteStartObject();
            json.WritePropertyName(PredictedLabelName);
            WriteFloat(json, predictions[row]);
            if (format.Verbose)
            {
                WriteFloatArray(json, DistancesName, distances.Slice(row * k, k));
                WriteFloatArray(json, LabelsName, labels.Slice(row * k, k));
            }
            json.WriteEndObject();
        }
        if (!jsonLines)
        {
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.Flush();
        if (jsonLines) output.Write("\n"u8);
    }

    private static void WriteFloatArray(Utf8JsonWriter json, JsonEncodedText name, ReadOnlySpan<float> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values) WriteFloat(json, value);
        json.WriteEndArray();
    }

    /// <summary>Shortest round-trip float32 text, with ".0" added to whole numbers as Python prints floats.</summary>
    private static void WriteFloat(Utf8JsonWriter json, float value)
    {
        if (!float.IsFinite(value))
        {
            json.WriteNullValue(); // JSON has no NaN; a neighbour-less prediction is "no label"
            return;
        }
        Span<byte> text = stackalloc byte[32];
        value.TryFormat(text, out var length, provider: CultureInfo.InvariantCulture);
        if (text[..length].IndexOfAny(".E"u8) < 0)
        {
            ".0"u8.CopyTo(text[length..]);
            length += 2;
        }
        json.WriteRawValue(text[..length], skipInputValidation: true);
    }
}
