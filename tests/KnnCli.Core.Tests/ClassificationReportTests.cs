using KnnCli.Core.Data;

namespace KnnCli.Core.Tests;

/// <summary>Expected figures computed with scikit-learn 1.2.1 (precision_recall_fscore_support, zero_division=0).</summary>
public sealed class ClassificationReportTests
{
    [Fact]
    public void Scores_match_scikit_learn_including_a_class_never_predicted()
    {
        double[] actual = [0, 0, 1, 1, 2, 2, 3, 3, 3, 0];
        double[] predicted = [0, 1, 1, 1, 2, 0, 2, 2, 2, 0];
        var report = ClassificationReport.Compute(actual, predicted);

        Assert.Equal(0.5, report.Accuracy);
        Assert.Equal(0.45, report.MacroF1, 15);
        Assert.Equal(0.3958333333333333, report.MacroPrecision, 15);
        Assert.Equal(0.5416666666666666, report.MacroRecall, 15);
        AssertClose([0.6666666666666666, 0.6666666666666666, 0.25, 0.0], report.PerClass.Select(s => s.Precision));
        AssertClose([0.6666666666666666, 1.0, 0.5, 0.0], report.PerClass.Select(s => s.Recall));
        AssertClose([0.6666666666666666, 0.8, 0.3333333333333333, 0.0], report.PerClass.Select(s => s.F1));
        Assert.Equal([3, 2, 2, 3], report.PerClass.Select(s => s.Support));
        int[,] confusion = { { 2, 1, 0, 0 }, { 0, 2, 0, 0 }, { 1, 0, 1, 0 }, { 0, 0, 3, 0 } };
        Assert.Equal(confusion, report.ConfusionMatrix);
    }

    private static void AssertClose(double[] expected, IEnumerable<double> actual)
    {
        var values = actual.ToArray();
        Assert.Equal(expected.Length, values.Length);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], values[i], 14);
    }

    [Fact]
    public void A_predicted_label_absent_from_the_truth_counts_as_a_class()
    {
        var report = ClassificationReport.Compute([1, 1, 2, 2], [1, 5, 2, 2]);
        Assert.Equal([1.0, 2.0, 5.0], report.Classes);
        Assert.Equal(0.5555555555555555, report.MacroF1, 15);
        Assert.Equal(0.75, report.Accuracy);
    }

    [Fact]
    public void Mean_squared_error_matches_scikit_learn() =>
        Assert.Equal(0.1875, RegressionScore.MeanSquaredError([1.5, 2.0, 3.25], [1.0, 2.5, 3.0]));
}
