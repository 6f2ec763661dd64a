using System.Text.Json.Serialization;
using KnnCli.Core.State;

namespace KnnCli.Core.Targets;

[JsonConverter(typeof(JsonStringEnumConverter<CheckStatus>))]
public enum CheckStatus
{
    /// <summary>Checked and fine.</summary>
    [JsonStringEnumMemberName("pass")] Pass,
    /// <summary>Fine for now, but worth acting on (an endpoint still running and billing); does not fail the doctor.</summary>
    [JsonStringEnumMemberName("warn")] Warn,
    [JsonStringEnumMemberName("fail")] Fail,
    /// <summary>Not checked, because an earlier check failed (the detail says which).</summary>
    [JsonStringEnumMemberName("skip")] Skip,
}

/// <summary>One line of knn doctor: what was checked, what was found and, unless it passed, what to do.</summary>
public sealed record CheckResult(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("status")] CheckStatus Status,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("fix")] string? Fix = null)
{
    public static CheckResult Pass(string name, string detail) => new(name, CheckStatus.Pass, detail);

    public static CheckResult Warn(string name, string detail, string fix) => new(name, CheckStatus.Warn, detail, fix);

    public static CheckResult Fail(string name, string detail, string fix) => new(name, CheckStatus.Fail, detail, fix);

    public static CheckResult Skip(string name, string reason) => new(name, CheckStatus.Skip, reason);
}

/// <summary>What knn doctor checks on one target, in order (later checks are skipped when what they need failed).</summary>
public interface ITargetChecks
{
    Task<IReadOnlyList<CheckResult>> RunAsync(KnnState state, CancellationToken cancellationToken);
}

/// <summary>The check every target shares: endpoints knn made that still run (and bill), each with its cleanup command.</summary>
public static class LiveEndpointCheck
{
    public const string Name = "endpoints";

    public static async Task<CheckResult> RunAsync(ITarget target, CancellationToken cancellationToken)
    {
        var endpoints = (await target.Hosting.ListLiveAsync(cancellationToken)).Where(r => r.Kind == "endpoint").ToList();
        if (endpoints.Count == 0) return CheckResult.Pass(Name, "no endpoint made by knn is running");
        var listed = string.Join(", ", endpoints.Select(e => $"{e.Name} ({e.Status})"));
        var commands = string.Join("; ", endpoints.Select(e => $"knn cleanup --target {target.Name} --endpoint-name {e.Name}"));
        return CheckResult.Warn(Name, $"{endpoints.Count} endpoint(s) made by knn still running: {listed}", $"delete what you no longer need: {commands}");
    }
}
