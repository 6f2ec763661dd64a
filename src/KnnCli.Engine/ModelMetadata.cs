using System.Text.Json.Serialization;

namespace KnnCli.Engine;

/// <summary>The dimension reduction a model applies to queries before searching (model_algo-1.json).</summary>
public sealed record DimensionReductionInfo(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("target_dim")] int TargetDim,
    [property: JsonPropertyName("input_dim")] int InputDim);

/// <summary>
/// model_algo-1.json: what SageMaker's container reads at inference time (k, predictor_type, dimension_reduction,
/// normalize, version), plus the index type and metric and the input dimension so a model describes itself.
/// Editing k or predictor_type changes inference without retraining, as SageMaker documents.
/// </summary>
public sealed record ModelMetadata
{
    public const string CurrentVersion = "1.0";

    [JsonPropertyName("k")] public required int K { get; init; }
    [JsonPropertyName("predictor_type")] public required string PredictorType { get; init; }
    [JsonPropertyName("dimension_reduction")] public DimensionReductionInfo? DimensionReduction { get; init; }
    /// <summary>True for the COSINE metric: vectors and queries are normalised to unit length.</summary>
    [JsonPropertyName("normalize")] public bool Normalize { get; init; }
    [JsonPropertyName("index_type")] public string IndexType { get; init; } = "faiss.Flat";
    [JsonPropertyName("index_metric")] public string IndexMetric { get; init; } = "L2";
    [JsonPropertyName("feature_dim")] public int FeatureDim { get; init; }
    [JsonPropertyName("version")] public string Version { get; init; } = CurrentVersion;

    [JsonIgnore]
    public PredictorType Predictor => PredictorType switch
    {
        "classifier" => Engine.PredictorType.Classifier,
        "regressor" => Engine.PredictorType.Regressor,
        _ => throw new InvalidDataException($"model_algo-1.json: unknown predictor_type '{PredictorType}' (expected classifier or regressor)."),
    };
}

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ModelMetadata))]
internal sealed partial class EngineJsonContext : JsonSerializerContext;
