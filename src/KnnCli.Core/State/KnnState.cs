using System.Text.Json.Serialization;

namespace KnnCli.Core.State;

/// <summary>
/// What the verbs made, kept in .knn/state.json so the next verb needs no names typed. Never holds a secret.
/// Every member is optional: a verb fills in its own part.
/// </summary>
public sealed record KnnState
{
    [JsonPropertyName("target")] public string? Target { get; init; }
    [JsonPropertyName("region")] public string? Region { get; init; }
    [JsonPropertyName("bucket")] public string? Bucket { get; init; }
    [JsonPropertyName("prefix")] public string? Prefix { get; init; }

    // prepare
    [JsonPropertyName("train_file")] public string? TrainFile { get; init; }
    [JsonPropertyName("test_file")] public string? TestFile { get; init; }
    [JsonPropertyName("label_map_file")] public string? LabelMapFile { get; init; }
    [JsonPropertyName("feature_columns")] public IReadOnlyList<string>? FeatureColumns { get; init; }

    // upload
    [JsonPropertyName("train_uri")] public string? TrainUri { get; init; }
    [JsonPropertyName("test_uri")] public string? TestUri { get; init; }

    // train
    [JsonPropertyName("training_job_name")] public string? TrainingJobName { get; init; }
    [JsonPropertyName("model_artifact_uri")] public string? ModelArtifactUri { get; init; }
    [JsonPropertyName("predictor_type")] public string? PredictorType { get; init; }

    // deploy
    [JsonPropertyName("model_name")] public string? ModelName { get; init; }
    [JsonPropertyName("endpoint_config_name")] public string? EndpointConfigName { get; init; }
    [JsonPropertyName("endpoint_name")] public string? EndpointName { get; init; }
    [JsonPropertyName("endpoint_url")] public string? EndpointUrl { get; init; }
    [JsonPropertyName("server_pid")] public int? ServerPid { get; init; }

    [JsonPropertyName("updated")] public DateTimeOffset? Updated { get; init; }
}

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KnnState))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
