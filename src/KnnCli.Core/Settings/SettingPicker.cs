using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace KnnCli.Core.Settings;

/// <summary>An effective setting, its value and where it came from (knn config).</summary>
/// <param name="Source">option, environment, file, state or default.</param>
/// <param name="From">The option, the environment variable, the settings file's or the state file's path; null for a default.</param>
public sealed record SettingOrigin(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Value,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("from"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? From);

/// <summary>One source's value for a setting: null when that source does not give it.</summary>
public readonly record struct SettingCandidate<T>(T? Value, string Source, string? From);

/// <summary>
/// Picks each setting from its candidates, highest precedence first, and records which source gave it, so
/// knn config shows exactly what the resolver used. Values that look like AWS access key ids are masked.
/// </summary>
public sealed partial class SettingPicker(string settingsFilePath, string stateFilePath)
{
    public const string FromOption = "option";
    public const string FromEnvironment = "environment";
    public const string FromFile = "file";
    public const string FromState = "state";
    public const string FromDefault = "default";

    private readonly List<SettingOrigin> _origins = [];

    public IReadOnlyList<SettingOrigin> Origins => _origins;

    public T? Pick<T>(string name, params SettingCandidate<T>[] candidates)
    {
        foreach (var candidate in candidates)
        {
            if (candidate.Value is null) continue;
            Record(name, candidate.Value, candidate.Source, candidate.From);
            return candidate.Value;
        }
        Record(name, null, FromDefault, null);
        return default;
    }

    public void Record(string name, object? value, string source, string? from) => _origins.Add(new SettingOrigin(name, Shown(value), source, from));

    public static SettingCandidate<T> Option<T>(T? value, string option) => new(value, FromOption, option);

    public SettingCandidate<T> File<T>(T? value) => new(value, FromFile, settingsFilePath);

    public SettingCandidate<T> State<T>(T? value) => new(value, FromState, stateFilePath);

    public static SettingCandidate<T> Default<T>(T? value) => new(value, FromDefault, null);

    /// <summary>The first of <paramref name="names"/> that is set and not blank, named.</summary>
    public static SettingCandidate<string> Environment(Func<string, string?> environment, params string[] names)
    {
        foreach (var name in names)
        {
            if (environment(name) is { } value && !string.IsNullOrWhiteSpace(value)) return new(value, FromEnvironment, name);
        }
        return new(null, FromEnvironment, null);
    }

    // Credentials are not settings, but a key pasted into a tag or a name must not be echoed back whole.
    [GeneratedRegex("(?:AKIA|ASIA)[A-Z0-9]{16}", RegexOptions.CultureInvariant)]
    private static partial Regex AccessKeyId();

    private static string? Shown(object? value)
    {
        var text = value switch
        {
            null => null,
            bool flag => flag ? "true" : "false",
            string s => s,
            IEnumerable<string> list => string.Join(",", list),
            _ => value.ToString(),
        };
        return text is null ? null : AccessKeyId().Replace(text, key => $"{key.Value[..4]}****************");
    }
}
