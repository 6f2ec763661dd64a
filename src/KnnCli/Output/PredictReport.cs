using System.Globalization;
using KnnCli.Core.Data;
using KnnCli.Core.Workflow;

namespace KnnCli.Output;

/// <summary>The human rendering of predictions: the per-row table, then the confusion matrix and scores.</summary>
public static class PredictReport
{
    /// <summary>Rows beyond this are summarised (the whole set goes to --output or --json).</summary>
    public const int MaxTableRows = 200;

    public static void Write(KnnConsole output, PredictResult result)
    {
        var featureNames = result.FeatureColumns is { } names && result.Rows.Count > 0 && names.Count == result.Rows[0].Features.Length
            ? names
            : Enumerable.Range(1, result.Rows.Count > 0 ? result.Rows[0].Features.Length : 0).Select(i => $"f{i}").ToArray();
        var labelled = result.Rows.Count > 0 && result.Rows[0].Label is not null;
        var header = new List<string>();
        if (labelled) header.Add("Label");
        header.AddRange(featureNames);
        header.Add("Prediction");
        if (labelled && result.Classification is not null) header.Add("Result");
        if (result.Rows.Count > 0 && result.Rows[0].NeighborLabels is not null) header.Add("Neighbours (label@distance)");

        var table = new List<string[]>();
        foreach (var row in result.Rows.Take(MaxTableRows))
        {
            var cells = new List<string>();
            if (labelled) cells.Add(Name(result, row.Label!.Value));
            cells.AddRange(row.Features.Select(PythonNumberFormat.Format));
            cells.Add(Name(result, row.Prediction));
            if (labelled && result.Classification is not null) cells.Add(row.Label == row.Prediction ? "True" : "False");
            if (row.NeighborLabels is { } neighbours)
                cells.Add(string.Join(" ", neighbours.Zip(row.NeighborDistances ?? [], (l, d) => $"{Name(result, l)}@{d.ToString("G6", CultureInfo.InvariantCulture)}")));
            table.Add([.. cells]);
        }
        var resultColumn = header.IndexOf("Result");
        output.Table(header, table, (r, c) => c == resultColumn ? table[r][c] == "True" ? "green" : "red" : null);
        if (result.Rows.Count > MaxTableRows)
            output.WriteLine($"… {result.Rows.Count - MaxTableRows:N0} more rows (use --output FILE or --json for all).");

        if (result.Classification is { } report) WriteClassification(output, result, report);
        if (result.MeanSquaredError is { } mse)
        {
            output.WriteLine();
            output.WriteLine($"MSE: {mse.ToString("R", CultureInfo.InvariantCulture)}");
        }
    }

    private static void WriteClassification(KnnConsole output, PredictResult result, ClassificationReport report)
    {
        output.WriteLine();
        output.WriteLine("Confusion matrix (rows: actual, columns: predicted)");
        var names = report.Classes.Select(c => Name(result, c)).ToArray();
        var rows = new List<string[]>();
        for (var a = 0; a < names.Length; a++)
            rows.Add([names[a], .. Enumerable.Range(0, names.Length).Select(p => report.ConfusionMatrix[a, p].ToString(CultureInfo.InvariantCulture))]);
        // The diagonal (right) in green, a misclassified cell in red; the first column holds the actual class.
        output.Table(["", .. names], rows, (r, c) => c == 0 ? "bold" : c - 1 == r ? "green" : rows[r][c] != "0" ? "red" : "grey");

        output.WriteLine();
        var scores = report.PerClass.Select(s => new[] { Name(result, s.Label), Score(s.Precision), Score(s.Recall), Score(s.F1), s.Support.ToString(CultureInfo.InvariantCulture) }).ToList();
        scores.Add(["macro avg", Score(report.MacroPrecision), Score(report.MacroRecall), Score(report.MacroF1), result.Rows.Count.ToString(CultureInfo.InvariantCulture)]);
        output.Table(["class", "precision", "recall", "f1-score", "support"], scores);

        output.WriteLine();
        output.WriteLine($"Accuracy: {report.Accuracy.ToString("R", CultureInfo.InvariantCulture)} ({result.Rows.Count(r => r.Label == r.Prediction)} of {result.Rows.Count} right)");
        output.WriteLine($"Macro F1: {report.MacroF1.ToString("R", CultureInfo.InvariantCulture)}");
    }

    /// <summary>A label's class name from the prepared label map, else the number itself.</summary>
    public static string Name(PredictResult result, double label) => result.LabelMap?.NameOf(label) ?? PythonNumberFormat.Format(label);

    private static string Score(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
