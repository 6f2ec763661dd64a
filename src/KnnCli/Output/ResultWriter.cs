using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KnnCli.Output;

/// <summary>Where a verb's result goes: human lines on stdout, or exactly one JSON document with --json.</summary>
public sealed class ResultWriter(KnnConsole output, bool json, bool dryRun = false)
{
    public bool Json { get; } = json;

    /// <summary>Prints the result: as JSON with --json, else through <paramref name="human"/>.</summary>
    public void Write<T>(T result, JsonTypeInfo<T> typeInfo, Action<KnnConsole> human)
    {
        if (Json) output.WriteVerbatim(dryRun ? DryRunWriter.MarkJson(JsonSerializer.SerializeToNode(result, typeInfo)) : JsonSerializer.Serialize(result, typeInfo));
        else human(output);
    }
}
