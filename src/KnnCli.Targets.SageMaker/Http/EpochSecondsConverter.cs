using System.Text.Json;
using System.Text.Json.Serialization;

namespace KnnCli.Targets.SageMaker.Http;

/// <summary>JSON 1.1 timestamps: epoch seconds as a JSON number, possibly with a fraction.</summary>
public sealed class EpochSecondsConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? DateTimeOffset.Parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            : DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(reader.GetDouble() * 1000));

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.ToUnixTimeMilliseconds() / 1000.0);
}
