using System.Text.Json.Serialization;

namespace KnnCli.Core.Data;

/// <summary>Class names and the integers they are written as (sorted ordinally: setosa→0, versicolor→1, virginica→2).</summary>
public sealed record LabelMap(
    [property: JsonPropertyName("label_column")] string LabelColumn,
    [property: JsonPropertyName("classes")] IReadOnlyList<string> Classes)
{
    public static LabelMap FromNames(string labelColumn, IEnumerable<string> names) =>
        new(labelColumn, names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray());

    /// <summary>The class name for a predicted label, or the number itself when it is not a class index.</summary>
    public string NameOf(double label)
    {
        var index = (int)label;
        return index == label && index >= 0 && index < Classes.Count ? Classes[index] : Data.PythonNumberFormat.Format(label);
    }
}
