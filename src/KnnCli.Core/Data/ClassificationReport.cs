namespace KnnCli.Core.Data;

/// <summary>Precision, recall and F1 of one class, with scikit-learn's zero_division=0 rule.</summary>
public sealed record ClassScore(double Label, double Precision, double Recall, double F1, int Support);

/// <summary>
/// The confusion matrix and the scores scikit-learn reports for a classifier: accuracy, per-class and macro
/// precision/recall/F1. Classes are the sorted union of true and predicted labels; a score whose denominator is
/// zero is 0 (scikit-learn's zero_division default, after its warning).
/// </summary>
public sealed record ClassificationReport(
    IReadOnlyList<double> Classes,
    int[,] ConfusionMatrix,
    double Accuracy,
    IReadOnlyList<ClassScore> PerClass,
    double MacroPrecision,
    double MacroRecall,
    double MacroF1)
{
    public static ClassificationReport Compute(IReadOnlyList<double> actual, IReadOnlyList<double> predicted)
    {
        if (actual.Count != predicted.Count) throw new ArgumentException("Actual and predicted label counts differ.");
        if (actual.Count == 0) throw new ArgumentException("No labels to score.");
        var classes = actual.Concat(predicted).Distinct().Order().ToArray();
        var position = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        var matrix = new int[classes.Length, classes.Length];
        var correct = 0;
        for (var i = 0; i < actual.Count; i++)
        {
            matrix[position[actual[i]], position[predicted[i]]]++;
            if (actual[i] == predicted[i]) correct++;
        }

        var scores = new ClassScore[classes.Length];
        for (var c = 0; c < classes.Length; c++)
        {
            var truePositives = matrix[c, c];
            int predictedPositives = 0, support = 0;
            for (var o = 0; o < classes.Length; o++)
            {
                predictedPositives += matrix[o, c];
                support += matrix[c, o];
            }
            var precision = predictedPositives == 0 ? 0 : (double)truePositives / predictedPositives;
            var recall = support == 0 ? 0 : (double)truePositives / support;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            scores[c] = new ClassScore(classes[c], precision, recall, f1, support);
        }
        return new ClassificationReport(
            classes,
            matrix,
            (double)correct / actual.Count,
            scores,
            scores.Average(s => s.Precision),
            scores.Average(s => s.Recall),
            scores.Average(s => s.F1));
    }
}

/// <summary>Scores for a regressor: mean squared error (the container's test:mse).</summary>
public static class RegressionScore
{
    public static double MeanSquaredError(IReadOnlyList<double> actual, IReadOnlyList<double> predicted)
    {
        if (actual.Count != predicted.Count || actual.Count == 0) throw new ArgumentException("Label counts differ or are zero.");
        double sum = 0;
        for (var i = 0; i < actual.Count; i++)
        {
            var diff = actual[i] - predicted[i];
            sum += diff * diff;
        }
        return sum / actual.Count;
    }
}
