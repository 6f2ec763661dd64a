using System.Text.Json.Serialization;

namespace KnnCli.Core.Data;

/// <summary>Class names and the integers they are written as (sorted ordinally: setosa→0, versicolor→1, virginica→2).</summary>
public sealed record LabelMap(
    [property: JsonPropertyName("label_column")] string LabelColumn,
    [property: JsonPropertyName("classes")] IReadOnlyList<string> Classes)
{
    public static LabelMap FromNames(string labelColumn, IEnumerable<string> names) =>
        new(labelColumn, names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray());

    /// <summary>The label map prepare saved; null when there is none (numeric labels, or nothing prepared).</summary>
    public static async Task<LabelMap?> LoadAsync(string? path, CancellationToken cancellationToken)
    {
        if (path is null || !File.Exists(path)) return null;
        await using var stream = File.OpenRead(path);
        return await System.Text.Json.JsonSerializer.DeserializeAsync(stream, CoreJsonContext.Default.LabelMap, cancellationToken);
    }

    /// <summary>The class name for a predicted label, or the number itself when it is not a class index.</summary>
    public string NameOf(double label)
    {
        var index = (int)label;
        return index == label && index >= 0 && index < Classes.Count ? Classes[index] : Data.PythonNumberFormat.Format(label);
    }
}
