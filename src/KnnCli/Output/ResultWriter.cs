using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KnnCli.Output;

/// <summary>Where a verb's result goes: human lines on stdout, or exactly one JSON document with --json.</summary>
public sealed class ResultWriter(KnnConsole output, bool json, bool dryRun = false)
{
    public bool Json { get; } = json;

    /// <summary>Where human results go (stdout), for a verb that prints as it goes (knn run's steps).</summary>
    public KnnConsole Console { get; } = output;

    /// <summary>Prints the result: as JSON with --json, else through <paramref name="human"/>.</summary>
    public void Write<T>(T result, JsonTypeInfo<T> typeInfo, Action<KnnConsole> human)
    {
        if (Json) Console.WriteVerbatim(dryRun ? DryRunWriter.MarkJson(JsonSerializer.SerializeToNode(result, typeInfo)) : JsonSerializer.Serialize(result, typeInfo));
        else human(Console);
    }
}
