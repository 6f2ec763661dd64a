using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using KnnCli.Core.Errors;

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

    /// <summary>A request body for rows [start, start+count) in the given content type.</summary>
    public static byte[] Serialize(IReadOnlyList<float[]> rows, int start, int count, string contentType)
    {
        var text = new StringBuilder(count * 32);
        var mediaType = MediaType(contentType);
        if (mediaType == Json) text.Append("{\"instances\":[");
        for (var i = start; i < start + count; i++)
        {
            var features = string.Join(',', rows[i].Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
            switch (mediaType)
            {
                case Csv: text.Append(features).Append('\n'); break;
                case Json: text.Append(i > start ? "," : "").Append("{\"features\":[").Append(features).Append("]}"); break;
                case JsonLines: text.Append("{\"features\":[").Append(features).Append("]}\n"); break;
                default: throw new InputException($"--content-type {contentType} is not supported: use {Csv}, {Json} or {JsonLines}.");
            }
        }
        if (mediaType == Json) text.Append("]}");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Parses a JSON or JSON Lines response; it must hold exactly <paramref name="expected"/> predictions.</summary>
    public static EndpointPrediction[] Parse(byte[] body, string contentType, int expected)
    {
        EndpointPrediction[] predictions;
        try
        {
            predictions = MediaType(contentType) == JsonLines
                ? Encoding.UTF8.GetString(body).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(line => JsonSerializer.Deserialize(line, PayloadJsonContext.Default.EndpointPrediction)!).ToArray()
                : JsonSerializer.Deserialize(body, PayloadJsonContext.Default.EndpointPredictions)?.Predictions ?? [];
        }
        catch (JsonException e)
        {
            throw new RemoteFailureException($"The endpoint's response is not valid {contentType} ({e.Message}).", e);
        }
        if (predictions.Length != expected)
            throw new RemoteFailureException($"The endpoint returned {predictions.Length} predictions for {expected} rows.");
        return predictions;
    }

    /// <summary>The media type without parameters, lower case ("application/json; verbose=true" → "application/json").</summary>
    public static string MediaType(string contentType) => contentType.Split(';')[0].Trim().ToLowerInvariant();
}
