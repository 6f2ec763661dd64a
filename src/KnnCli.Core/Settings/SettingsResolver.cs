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
}

[JsonSourceGenerationOptions(ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(SettingsFile))]
internal sealed partial class SettingsJsonContext : JsonSerializerContext;

/// <summary>Resolves each common setting: option &gt; environment &gt; settings file &gt; state &gt; default.</summary>
public static class SettingsResolver
{
    public const string SettingsFileName = "knn.settings.json";

    public static CommonSettings Resolve(CommonOptions options, Func<string, string?> environment, string workingDirectory, KnnState state)
    {
        var file = LoadSettingsFile(Path.Combine(workingDirectory, SettingsFileName));
        string? Env(params string[] names) => names.Select(environment).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

        var target = (options.Target ?? Env("KNN_TARGET") ?? file.Target ?? state.Target ?? "local").ToLowerInvariant();
        if (target is not ("local" or "sagemaker"))
            throw new InputException($"Unknown target '{target}': expected local or sagemaker.");
        return new CommonSettings
        {
            Target = target,
            Region = options.Region ?? Env("KNN_REGION", "AWS_REGION", "AWS_DEFAULT_REGION") ?? file.Region ?? state.Region,
            Profile = options.Profile ?? Env("KNN_PROFILE", "AWS_PROFILE") ?? file.Profile,
            Bucket = options.Bucket ?? Env("KNN_BUCKET") ?? file.Bucket ?? state.Bucket,
            Prefix = (options.Prefix ?? Env("KNN_PREFIX") ?? file.Prefix ?? state.Prefix ?? "knn").Trim('/'),
            RoleArn = options.Role ?? Env("KNN_ROLE") ?? file.Role,
            DryRun = options.DryRun,
            AssumeYes = options.Yes,
            WorkingDirectory = workingDirectory,
        };
    }

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
