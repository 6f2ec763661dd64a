using System.Text;
using KnnCli.Core.Errors;

namespace KnnCli.Core.Workflow;

/// <summary>Prediction output files (predict --output, transform --output): JSON Lines or CSV, chosen by the name.</summary>
public static class PredictionFile
{
    /// <summary>True for .jsonl or .json (JSON Lines), false for .csv; any other name is refused.</summary>
    public static bool IsJsonLines(string path)
    {
        if (path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return true;
        if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) return false;
        throw new InputException($"--output {path}: use a .jsonl (JSON Lines) or .csv file name.");
    }

    /// <summary>
    /// One line as SageMaker's application/jsonlines response writes it:
    /// {"predicted_label":…} plus, in verbose mode, "distances" and "labels" nearest first.
    /// </summary>
    public static StringBuilder AppendJsonLine(StringBuilder line, string prediction, IEnumerable<string>? distances, IEnumerable<string>? labels)
    {
        line.Append("{\"predicted_label\":").Append(prediction);
        if (distances is not null) line.Append(",\"distances\":[").AppendJoin(',', distances).Append(']');
        if (labels is not null) line.Append(",\"labels\":[").AppendJoin(',', labels).Append(']');
        return line.Append('}');
    }
}
