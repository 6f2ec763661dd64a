using System.Globalization;
using System.Text;
using System.Text.Json;
using KnnCli.Core.Formats;

namespace KnnCli.Serving.Contract;

/// <summary>
/// Parses an /invocations body into row-major float features, straight from the bytes: CSV with span parsing,
/// JSON and JSON Lines with <see cref="Utf8JsonReader"/>, RecordIO-protobuf with <see cref="RecordProtobuf"/>. Every row must have exactly the model's
/// feature count of finite numbers; anything else is a 400 with a one-line reason naming the row.
/// </summary>
internal static class RequestParser
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];
    private static ReadOnlySpan<byte> InstancesProperty => "instances"u8;
    private static ReadOnlySpan<byte> FeaturesProperty => "features"u8;
    private static ReadOnlySpan<byte> DataProperty => "data"u8;
    private static ReadOnlySpan<byte> ValuesProperty => "values"u8;
    private static ReadOnlySpan<byte> KeysProperty => "keys"u8;

    /// <returns>The number of rows appended to <paramref name="rows"/>.</returns>
    public static int Parse(ReadOnlySpan<byte> body, RequestFormat format, int labelColumns, int featureCount, PooledBuffer<float> rows)
    {
        if (format != RequestFormat.RecordIo && body.StartsWith(Utf8Bom)) body = body[Utf8Bom.Length..];
        var rowCount = format switch
        {
            RequestFormat.Csv => ParseCsv(body, labelColumns, featureCount, rows),
            RequestFormat.Json => ParseJson(body, featureCount, rows),
            RequestFormat.RecordIo => ParseRecordIo(body, featureCount, rows),
            _ => ParseJsonLines(body, featureCount, rows),
        };
        return rowCount > 0 ? rowCount : throw InvalidRequestException.BadRequest("The request holds no rows.");
    }

    private static int ParseCsv(ReadOnlySpan<byte> body, int labelColumns, int featureCount, PooledBuffer<float> rows)
    {
        var rowCount = 0;
        foreach (var lineRange in body.Split((byte)'\n'))
        {
            var line = body[lineRange].TrimEnd((byte)'\r');
            if (line.Trim(" \t"u8).IsEmpty) continue;
            rowCount++;
            var column = 0;
            foreach (var fieldRange in line.Split((byte)','))
            {
                column++;
                if (column <= labelColumns) continue;
                var field = line[fieldRange];
                if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                    throw InvalidRequestException.BadRequest($"CSV row {rowCount}, column {column}: '{Printable(field)}' is not a number.");
                if (!float.IsFinite(value))
                    throw InvalidRequestException.BadRequest($"CSV row {rowCount}, column {column}: '{Printable(field)}' is not a finite number.");
                rows.Add(value);
            }
            var features = Math.Max(column - labelColumns, 0);
            if (features != featureCount)
                throw InvalidRequestException.BadRequest($"CSV row {rowCount} has {features} features; the model expects {featureCount}.");
        }
        return rowCount;
    }

    /// <summary>RecordIO frames of Records whose features["values"] is the row (dense, or sparse with keys).</summary>
    private static int ParseRecordIo(ReadOnlySpan<byte> body, int featureCount, PooledBuffer<float> rows)
    {
        try
        {
            var rowCount = 0;
            long offset = 0;
            while (true)
            {
                var at = offset;
                if (!RecordIo.TryRead(ref body, ref offset, out var payload)) return rowCount;
                rowCount++;
                var record = RecordProtobuf.Parse(payload, at);
                if (!record.Features.TryGetValue(RecordProtobuf.ValuesKey, out var tensor))
                    throw InvalidRequestException.BadRequest($"RecordIO record {rowCount} has no features[\"values\"] tensor.");
                var features = tensor.ToDense(featureCount, $"RecordIO record {rowCount}'s features");
                for (var i = 0; i < features.Length; i++)
                {
                    if (!float.IsFinite(features[i]))
                        throw InvalidRequestException.BadRequest($"RecordIO record {rowCount}, feature {i + 1} is not a finite number.");
                }
                rows.Append(features);
            }
        }
        catch (InvalidDataException e)
        {
            throw InvalidRequestException.BadRequest(OneLine(e.Message));
        }
    }

    private static int ParseJson(ReadOnlySpan<byte> body, int featureCount, PooledBuffer<float> rows)
    {
        var reader = new Utf8JsonReader(body);
        try
        {
            var rowCount = -1;
            Expect(ref reader, JsonTokenType.StartObject, "the request");
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals(InstancesProperty))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }
                if (rowCount >= 0) throw InvalidRequestException.BadRequest("The JSON request has \"instances\" twice.");
                Expect(ref reader, JsonTokenType.StartArray, "\"instances\"");
                rowCount = 0;
                while (Next(ref reader) != JsonTokenType.EndArray)
                    ReadInstance(ref reader, ++rowCount, featureCount, rows, "instance");
            }
            ExpectEnd(ref reader);
            return rowCount >= 0 ? rowCount : throw InvalidRequestException.BadRequest("The JSON request has no \"instances\" array.");
        }
        catch (JsonException e)
        {
            throw InvalidRequestException.BadRequest($"Malformed JSON: {OneLine(e.Message)}");
        }
    }

    private static int ParseJsonLines(ReadOnlySpan<byte> body, int featureCount, PooledBuffer<float> rows)
    {
        var lineNumber = 0;
        var rowCount = 0;
        foreach (var lineRange in body.Split((byte)'\n'))
        {
            lineNumber++;
            var line = body[lineRange];
            if (line.Trim(" \t\r"u8).IsEmpty) continue;
            var reader = new Utf8JsonReader(line);
            try
            {
                Next(ref reader);
                ReadInstance(ref reader, lineNumber, featureCount, rows, "line");
                ExpectEnd(ref reader);
            }
            catch (JsonException e)
            {
                throw InvalidRequestException.BadRequest($"Malformed JSON on line {lineNumber}: {OneLine(e.Message)}");
            }
            rowCount++;
        }
        return rowCount;
    }

    /// <summary>
    /// One instance, positioned on its first token: {"features":[…]} or {"data":{"features":{"values":[…]}}}.
    /// Other properties are ignored.
    /// </summary>
    private static void ReadInstance(ref Utf8JsonReader reader, int number, int featureCount, PooledBuffer<float> rows, string noun)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw InvalidRequestException.BadRequest($"JSON {noun} {number} is not an object like {{\"features\": [...]}}.");
        var found = false;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(FeaturesProperty))
            {
                Next(ref reader);
                ReadFeatures(ref reader, number, featureCount, rows, noun, ref found);
            }
            else if (reader.ValueTextEquals(DataProperty))
            {
                Expect(ref reader, JsonTokenType.StartObject, $"\"data\" of {noun} {number}");
                while (Next(ref reader) == JsonTokenType.PropertyName)
                {
                    if (!reader.ValueTextEquals(FeaturesProperty))
                    {
                        reader.Read();
                        reader.Skip();
                        continue;
                    }
                    Expect(ref reader, JsonTokenType.StartObject, $"\"data\".\"features\" of {noun} {number}");
                    while (Next(ref reader) == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals(ValuesProperty))
                        {
                            Next(ref reader);
                            ReadFeatures(ref reader, number, featureCount, rows, noun, ref found);
                        }
                        else if (reader.ValueTextEquals(KeysProperty))
                        {
                            throw InvalidRequestException.BadRequest($"JSON {noun} {number} is sparse (\"keys\"); send dense \"values\".");
                        }
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (!found) throw InvalidRequestException.BadRequest($"JSON {noun} {number} has no \"features\" (or \"data\".\"features\".\"values\").");
    }

    private static void ReadFeatures(ref Utf8JsonReader reader, int number, int featureCount, PooledBuffer<float> rows, string noun, ref bool found)
    {
        if (found) throw InvalidRequestException.BadRequest($"JSON {noun} {number} gives its features twice.");
        if (reader.TokenType != JsonTokenType.StartArray)
            throw InvalidRequestException.BadRequest($"The features of JSON {noun} {number} are not an array of numbers.");
        var count = 0;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            count++;
            if (reader.TokenType != JsonTokenType.Number)
                throw InvalidRequestException.BadRequest($"JSON {noun} {number}, feature {count} is not a number.");
            if (!reader.TryGetSingle(out var value) || !float.IsFinite(value))
                throw InvalidRequestException.BadRequest($"JSON {noun} {number}, feature {count} is not a finite float32.");
            rows.Add(value);
        }
        if (count != featureCount)
            throw InvalidRequestException.BadRequest($"JSON {noun} {number} has {count} features; the model expects {featureCount}.");
        found = true;
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw InvalidRequestException.BadRequest("Malformed JSON: it ends too early.");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType expected, string what)
    {
        if (Next(ref reader) != expected)
            throw InvalidRequestException.BadRequest($"Malformed request: {what} must be a JSON {(expected == JsonTokenType.StartArray ? "array" : "object")}.");
    }

    /// <summary>Only whitespace may follow the top-level value.</summary>
    private static void ExpectEnd(ref Utf8JsonReader reader)
    {
        if (reader.Read()) throw InvalidRequestException.BadRequest("Malformed JSON: text follows the end of the value.");
    }

    private static string Printable(ReadOnlySpan<byte> utf8) => MediaTypes.Printable(Encoding.UTF8.GetString(utf8)); // bounded by the 6 MB body

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
