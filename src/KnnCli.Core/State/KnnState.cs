using System.Text.Json.Serialization;

namespace KnnCli.Core.State;

/// <summary>
/// What the verbs made, as one target sees it: the prepared files (shared by every target, they are local files)
/// and that target's own data, job and hosting resources. Never holds a secret. Every member is optional: a verb
/// fills in its own part.
/// </summary>
public sealed record KnnState
{
    /// <summary>The target this view belongs to (not stored inside a target's section).</summary>
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
    /// <summary>The execution role the data was uploaded and trained with, so deploy, transform and tune need not be told again.</summary>
    [JsonPropertyName("role")] public string? Role { get; init; }
    [JsonPropertyName("train_uri")] public string? TrainUri { get; init; }
    [JsonPropertyName("test_uri")] public string? TestUri { get; init; }

    // train
    [JsonPropertyName("training_job_name")] public string? TrainingJobName { get; init; }
    /// <summary>The latest job's status (InProgress, Completed, Failed, Stopped); its model is current only when Completed.</summary>
    [JsonPropertyName("training_job_status")] public string? TrainingJobStatus { get; init; }
    /// <summary>The knn process running a local job in-process, so an interrupted one (kill -9) is told from a running one.</summary>
    [JsonPropertyName("training_job_pid")] public int? TrainingJobPid { get; init; }
    [JsonPropertyName("model_artifact_uri")] public string? ModelArtifactUri { get; init; }
    [JsonPropertyName("predictor_type")] public string? PredictorType { get; init; }

    // tune (sagemaker): the latest hyperparameter tuning job
    [JsonPropertyName("tuning_job_name")] public string? TuningJobName { get; init; }
    [JsonPropertyName("tuning_job_status")] public string? TuningJobStatus { get; init; }

    // deploy: the endpoint predict uses by default
    [JsonPropertyName("model_name")] public string? ModelName { get; init; }
    [JsonPropertyName("endpoint_config_name")] public string? EndpointConfigName { get; init; }
    [JsonPropertyName("endpoint_name")] public string? EndpointName { get; init; }
    [JsonPropertyName("endpoint_url")] public string? EndpointUrl { get; init; }
    [JsonPropertyName("server_pid")] public int? ServerPid { get; init; }

    /// <summary>Every model, endpoint config and endpoint knn created on this target and has not deleted.</summary>
    [JsonPropertyName("resources")] public IReadOnlyList<KnnResource>? Resources { get; init; }

    [JsonPropertyName("updated")] public DateTimeOffset? Updated { get; init; }

    /// <summary>This state with <paramref name="resource"/> recorded (replacing one of the same kind and name).</summary>
    public KnnState WithResource(KnnResource resource) =>
        this with { Resources = [.. (Resources ?? []).Where(r => !r.Is(resource.Kind, resource.Name)), resource] };

    /// <summary>This state without the given resources; the default endpoint is forgotten when it is among them.</summary>
    public KnnState WithoutResources(IEnumerable<(string Kind, string Name)> deleted)
    {
        var gone = deleted.ToList();
        var left = (Resources ?? []).Where(r => !gone.Any(g => r.Is(g.Kind, g.Name))).ToList();
        var endpointGone = EndpointName is not null && gone.Contains((ResourceKinds.Endpoint, EndpointName));
        return this with
        {
            Resources = left,
            EndpointName = endpointGone ? null : EndpointName,
            EndpointUrl = endpointGone ? null : EndpointUrl,
            ServerPid = endpointGone ? null : ServerPid,
            EndpointConfigName = EndpointConfigName is not null && gone.Contains((ResourceKinds.EndpointConfig, EndpointConfigName)) ? null : EndpointConfigName,
            ModelName = ModelName is not null && gone.Contains((ResourceKinds.Model, ModelName)) ? null : ModelName,
        };
    }
}

public static class ResourceKinds
{
    public const string Model = "model";
    public const string EndpointConfig = "endpoint-config";
    public const string Endpoint = "endpoint";
    public const string TrainingJob = "training-job";
}

/// <summary>
/// A hosting resource knn created. It is recorded before the create call is sent, so a crash or Ctrl-C in
/// between leaves it listed (cleanup then finds it, or reports it not found) rather than running unseen.
/// </summary>
public sealed record KnnResource
{
    [JsonPropertyName("kind")] public required string Kind { get; init; }
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("created")] public DateTimeOffset? Created { get; init; }
    /// <summary>An endpoint's config, a config's model: what cleanup --endpoint-name deletes with it.</summary>
    [JsonPropertyName("endpoint_config_name")] public string? EndpointConfigName { get; init; }
    [JsonPropertyName("model_name")] public string? ModelName { get; init; }
    [JsonPropertyName("url")] public string? Url { get; init; }
    [JsonPropertyName("server_pid")] public int? ServerPid { get; init; }

    public bool Is(string kind, string name) => Kind == kind && Name == name;
}

/// <summary>.knn/state.json: the prepared files, and each target's own section, so no target uses another's names.</summary>
internal sealed record StateFile
{
    public const int CurrentVersion = 2;

    [JsonPropertyName("version")] public int Version { get; init; }
    [JsonPropertyName("prepared")] public KnnState? Prepared { get; init; }
    [JsonPropertyName("targets")] public Dictionary<string, KnnState>? Targets { get; init; }
    [JsonPropertyName("updated")] public DateTimeOffset? Updated { get; init; }
}

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KnnState))]
[JsonSerializable(typeof(StateFile))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
