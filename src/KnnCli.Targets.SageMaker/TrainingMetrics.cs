using System.Globalization;
using System.Text.RegularExpressions;

namespace KnnCli.Targets.SageMaker;

/// <summary>Reads the k-NN container's test-score lines into SageMaker metric names (test:accuracy, test:mse …).</summary>
internal static partial class TrainingMetrics
{
    [GeneratedRegex(@"#quality_metric: host=\S+, test (?<name>\S+) <(?:score|loss)>=(?<value>\S+)")]
    private static partial Regex QualityMetric();

    [GeneratedRegex(@"#test_score \(\S+\) : \('(?<name>[^']+)', (?<value>[^)\s]+)\)")]
    private static partial Regex TestScore();

    /// <summary>The metric a log line reports, if it reports one.</summary>
    public static (string Name, double Value)? Parse(string line)
    {
        var match = QualityMetric().Match(line);
        if (!match.Success) match = TestScore().Match(line);
        if (!match.Success) return null;
        var text = match.Groups["value"].Value;
        double? value = text.ToLowerInvariant() switch
        {
            "nan" => double.NaN,
            "inf" or "infinity" => double.PositiveInfinity,
            "-inf" or "-infinity" => double.NegativeInfinity,
            _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null,
        };
        return value is { } found ? ("test:" + match.Groups["name"].Value, found) : null;
    }
}
