using System.Text.Json;
using System.Text.Json.Serialization;
using KnnCli.Core.Errors;
using KnnCli.Core.State;

namespace KnnCli.Core.Settings;

/// <summary>The common options as given on the command line (null when absent).</summary>
public sealed record CommonOptions
{
    public string? Target { get; init; }
    public string? Region { get; init; }
    public string? Profile { get; init; }
    public string? Bucket { get; init; }
    public string? Prefix { get; init; }
    public string? Role { get; init; }
    public bool DryRun { get; init; }
    public bool Yes { get; init; }
    /// <summary>--subnets, --kms-key-id, --spot, --tag …</summary>
    public ProductionInput Production { get; init; } = new();
}

/// <summary>knn.settings.json in the working directory: defaults a project can commit.</summary>
public sealed record SettingsFile
{
    [JsonPropertyName("target")] public string? Target { get; init; }
    [JsonPropertyName("region")] public string? Region { get; init; }
    [JsonPropertyName("profile")] public string? Profile { get; init; }
    [JsonPropertyName("bucket")] public string? Bucket { get; init; }
    [JsonPropertyName("prefix")] public string? Prefix { get; init; }
    [JsonPropertyName("role")] public string? Role { get; init; }
    [JsonPropertyName("subnets")] public IReadOnlyList<string>? Subnets { get; init; }
    [JsonPropertyName("security_group_ids")] public IReadOnlyList<string>? SecurityGroupIds { get; init; }
    [JsonPropertyName("network_isolation")] public bool? NetworkIsolation { get; init; }
    [JsonPropertyName("inter_container_encryption")] public bool? InterContainerEncryption { get; init; }
    [JsonPropertyName("kms_key_id")] public string? KmsKeyId { get; init; }
    [JsonPropertyName("sse")] public bool? Sse { get; init; }
    [JsonPropertyName("spot")] public bool? Spot { get; init; }
    [JsonPropertyName("max_wait")] public int? MaxWait { get; init; }
    [JsonPropertyName("max_run")] public int? MaxRun { get; init; }
    [JsonPropertyName("tags")] public IReadOnlyDictionary<string, string>? Tags { get; init; }

    public ProductionInput Production => new()
    {
        Subnets = Subnets,
        SecurityGroupIds = SecurityGroupIds,
        NetworkIsolation = NetworkIsolation,
        InterContainerEncryption = InterContainerEncryption,
        KmsKeyId = KmsKeyId,
        Sse = Sse,
        Spot = Spot,
        MaxWait = MaxWait?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        MaxRun = MaxRun?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Tags = Tags?.Select(t => $"{t.Key}={t.Value}").ToList(),
    };
}

[JsonSourceGenerationOptions(ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(SettingsFile))]
internal sealed partial class SettingsJsonContext : JsonSerializerContext;

/// <summary>Resolves each common setting: option &gt; environment &gt; settings file &gt; state &gt; default.</summary>
public static class SettingsResolver
{
    public const string SettingsFileName = "knn.settings.json";

    /// <summary>
    /// The target: option &gt; KNN_TARGET &gt; settings file &gt; local. Never taken from the state, so a command
    /// run once with --target sagemaker does not make every later plain command need AWS.
    /// </summary>
    public static string ResolveTarget(CommonOptions options, Func<string, string?> environment, string workingDirectory) =>
        ResolveTarget(options, environment, LoadSettingsFile(Path.Combine(workingDirectory, SettingsFileName)), Picker(workingDirectory));

    /// <param name="state">The resolved target's own state (<see cref="ResolveTarget(CommonOptions, Func{string, string?}, string)"/>).</param>
    /// <returns>The settings, with <see cref="CommonSettings.Origins"/> naming where each value came from.</returns>
    public static CommonSettings Resolve(CommonOptions options, Func<string, string?> environment, string workingDirectory, KnnState state)
    {
        var file = LoadSettingsFile(Path.Combine(workingDirectory, SettingsFileName));
        var picker = Picker(workingDirectory);
        SettingCandidate<string> Env(params string[] names) => SettingPicker.Environment(environment, names);
        string? Variable(string name) => Env(name).Value;

        var target = ResolveTarget(options, environment, file, picker);
        var settings = new CommonSettings
        {
            Target = target,
            Region = picker.Pick("region", SettingPicker.Option(options.Region, "--region"), Env("KNN_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"),
                picker.File(file.Region), picker.State(state.Region)),
            Profile = picker.Pick("profile", SettingPicker.Option(options.Profile, "--profile"), Env("KNN_PROFILE", "AWS_PROFILE"), picker.File(file.Profile)),
            Bucket = picker.Pick("bucket", SettingPicker.Option(options.Bucket, "--bucket"), Env("KNN_BUCKET"), picker.File(file.Bucket), picker.State(state.Bucket)),
            Prefix = picker.Pick("prefix", SettingPicker.Option(options.Prefix, "--prefix"), Env("KNN_PREFIX"), picker.File(file.Prefix), picker.State(state.Prefix),
                SettingPicker.Default("knn"))!.Trim('/'),
            RoleArn = picker.Pick("role", SettingPicker.Option(options.Role, "--role"), Env("KNN_ROLE"), picker.File(file.Role), picker.State(state.Role)),
            DryRun = options.DryRun,
            AssumeYes = options.Yes,
            WorkingDirectory = workingDirectory,
            Production = ProductionRules.Resolve(options.Production, ProductionFromEnvironment(Variable), file.Production, picker),
        };
        picker.Record("state_folder", settings.StateDirectory, SettingPicker.FromDefault, null);
        return settings with { Origins = picker.Origins };
    }

    private static SettingPicker Picker(string workingDirectory) =>
        new(Path.Combine(workingDirectory, SettingsFileName), Path.Combine(CommonSettings.StateDirectoryOf(workingDirectory), StateStore.FileName));

    private static string ResolveTarget(CommonOptions options, Func<string, string?> environment, SettingsFile file, SettingPicker picker)
    {
        var target = picker.Pick("target", SettingPicker.Option(options.Target, "--target"), SettingPicker.Environment(environment, "KNN_TARGET"),
            picker.File(file.Target), SettingPicker.Default("local"))!.ToLowerInvariant();
        return target is "local" or "sagemaker" ? target : throw new InputException($"Unknown target '{target}': expected local or sagemaker.");
    }

    /// <summary>KNN_SUBNETS and KNN_SECURITY_GROUP_IDS (comma-separated), KNN_TAGS (KEY=VALUE,…), true/false flags.</summary>
    private static ProductionInput ProductionFromEnvironment(Func<string, string?> env) => new()
    {
        Subnets = ProductionRules.SplitList(env("KNN_SUBNETS") is { } subnets ? [subnets] : null),
        SecurityGroupIds = ProductionRules.SplitList(env("KNN_SECURITY_GROUP_IDS") is { } groups ? [groups] : null),
        NetworkIsolation = ProductionRules.Flag("KNN_NETWORK_ISOLATION", env("KNN_NETWORK_ISOLATION")),
        InterContainerEncryption = ProductionRules.Flag("KNN_INTER_CONTAINER_ENCRYPTION", env("KNN_INTER_CONTAINER_ENCRYPTION")),
        KmsKeyId = env("KNN_KMS_KEY_ID"),
        Sse = ProductionRules.Flag("KNN_SSE", env("KNN_SSE")),
        Spot = ProductionRules.Flag("KNN_SPOT", env("KNN_SPOT")),
        MaxWait = env("KNN_MAX_WAIT"),
        MaxRun = env("KNN_MAX_RUN"),
        Tags = ProductionRules.SplitList(env("KNN_TAGS") is { } tags ? [tags] : null),
    };

    private static SettingsFile LoadSettingsFile(string path)
    {
        if (!File.Exists(path)) return new SettingsFile();
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), SettingsJsonContext.Default.SettingsFile) ?? new SettingsFile();
        }
        catch (JsonException e)
        {
            throw new InputException($"{path}:{(e.LineNumber ?? 0) + 1}: not valid settings JSON ({e.Message})", e);
        }
    }
}
