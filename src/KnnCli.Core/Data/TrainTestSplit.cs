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
        var testCount = (int)Math.Ceiling(testFraction * rowCount);
        if (testCount < 1 || rowCount - testCount < 1)
            throw new ArgumentException($"{rowCount} rows cannot be split into non-empty train and test sets with test fraction {testFraction}.");
        var permutation = new NumpyRandomState(seed).Permutation(rowCount);
        return (permutation[testCount..], permutation[..testCount]);
    }
}
