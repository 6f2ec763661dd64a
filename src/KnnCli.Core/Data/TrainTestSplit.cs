using KnnCli.Engine.Random;

namespace KnnCli.Core.Data;

/// <summary>
/// scikit-learn's <c>train_test_split(rows, test_size=fraction, shuffle=True, random_state=seed)</c>:
/// n_test = ceil(fraction × n); the test rows are the first n_test of NumPy's permutation, the train rows the rest,
/// each in permutation order.
/// </summary>
public static class TrainTestSplit
{
    public static (int[] Train, int[] Test) Split(int rowCount, double testFraction, uint seed)
    {
        if (testFraction is <= 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must be between 0 and 1.");
        if (!CanSplit(rowCount, testFraction))
            throw new ArgumentException($"{rowCount} rows cannot be split into non-empty train and test sets with test fraction {testFraction}.");
        var testCount = TestCount(rowCount, testFraction);
        var permutation = new NumpyRandomState(seed).Permutation(rowCount);
        return (permutation[testCount..], permutation[..testCount]);
    }

    /// <summary>True when both sets get at least one row (a one-row file never can).</summary>
    public static bool CanSplit(int rowCount, double testFraction)
    {
        var testCount = TestCount(rowCount, testFraction);
        return testCount >= 1 && rowCount - testCount >= 1;
    }

    private static int TestCount(int rowCount, double testFraction) => (int)Math.Ceiling(testFraction * rowCount);
}
