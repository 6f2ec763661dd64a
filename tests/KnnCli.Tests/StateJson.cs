using System.Text.Json;

namespace KnnCli.Tests;

/// <summary>Reads .knn/state.json as the tool writes it: the prepared files and one section per target.</summary>
public static class StateJson
{
    public static string PathIn(string directory) => Path.Combine(directory, ".knn", "state.json");

    /// <summary>The target's own section (data, job, hosting resources).</summary>
    public static JsonElement Target(string directory, string target = "local") =>
        JsonDocument.Parse(File.ReadAllText(PathIn(directory))).RootElement.GetProperty("targets").GetProperty(target);

    /// <summary>The prepared files, shared by every target.</summary>
    public static JsonElement Prepared(string directory) =>
        JsonDocument.Parse(File.ReadAllText(PathIn(directory))).RootElement.GetProperty("prepared");
}
