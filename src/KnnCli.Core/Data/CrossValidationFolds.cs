using KnnCli.Core.Errors;
using KnnCli.Engine.Random;

namespace KnnCli.Core.Data;

/// <summary>One fold of k-fold cross-validation: the rows to fit on and the rows to score.</summary>
public sealed record Fold(int[] Train, int[] Test);

/// <summary>
/// scikit-learn's <c>KFold</c> and <c>StratifiedKFold</c> with <c>shuffle=True, random_state=seed</c>, index for
/// index (NumPy's legacy RandomState shuffles, as scikit-learn 1.2 draws them). Train and test rows are both in
/// ascending order, as scikit-learn yields them (it turns each test fold into a mask).
/// </summary>
public static class CrossValidationFolds
{
    /// <summary>
    /// <c>KFold(folds, shuffle=True, random_state=seed).split(range(rowCount))</c>: shuffle 0..n-1, then cut it into
    /// consecutive test folds, the first n % folds of them one row longer.
    /// </summary>
    public static Fold[] KFold(int rowCount, int folds, uint seed)
    {
        CheckFoldCount(rowCount, folds);
        var order = new NumpyRandomState(seed).Permutation(rowCount);
        var result = new Fold[folds];
        var start = 0;
        for (var f = 0; f < folds; f++)
        {
            var size = rowCount / folds + (f < rowCount % folds ? 1 : 0);
            var test = order[start..(start + size)];
            Array.Sort(test);
            result[f] = new Fold(Complement(rowCount, test), test);
            start += size;
        }
        return result;
    }

    /// <summary>
    /// <c>StratifiedKFold(folds, shuffle=True, random_state=seed).split(X, labels)</c>: classes numbered in order of
    /// first appearance; each fold's share of a class comes from dealing the sorted labels round robin; then, class
    /// by class, the fold numbers of that class's rows are shuffled with one generator.
    /// </summary>
    public static Fold[] Stratified(IReadOnlyList<double> labels, int folds, uint seed)
    {
        CheckFoldCount(labels.Count, folds);
        var classOf = new Dictionary<double, int>();
        var encoded = new int[labels.Count];
        for (var i = 0; i < labels.Count; i++)
        {
            if (!classOf.TryGetValue(labels[i], out var c)) classOf[labels[i]] = c = classOf.Count;
            encoded[i] = c;
        }
        var classCount = classOf.Count;
        var counts = new int[classCount];
        foreach (var c in encoded) counts[c]++;
        if (counts.All(n => n < folds))
            throw new InputException($"--folds {folds} --stratify: the largest class has only {counts.Max()} rows; use fewer folds.");

        // allocation[f, c]: rows of class c in test fold f, from dealing the sorted class numbers round robin.
        var allocation = new int[folds, classCount];
        var position = 0;
        for (var c = 0; c < classCount; c++)
            for (var n = 0; n < counts[c]; n++, position++)
                allocation[position % folds, c]++;

        var random = new NumpyRandomState(seed);
        var testFold = new int[labels.Count];
        for (var c = 0; c < classCount; c++)
        {
            var foldsForClass = new int[counts[c]];
            var next = 0;
            for (var f = 0; f < folds; f++)
                for (var n = 0; n < allocation[f, c]; n++) foldsForClass[next++] = f;
            random.Shuffle(foldsForClass);
            next = 0;
            for (var i = 0; i < encoded.Length; i++)
                if (encoded[i] == c) testFold[i] = foldsForClass[next++];
        }

        var result = new Fold[folds];
        for (var f = 0; f < folds; f++)
        {
            var test = Enumerable.Range(0, labels.Count).Where(i => testFold[i] == f).ToArray();
            result[f] = new Fold(Complement(labels.Count, test), test);
        }
        return result;
    }

    private static void CheckFoldCount(int rowCount, int folds)
    {
        if (folds < 2) throw new InputException($"--folds {folds}: cross-validation needs at least 2 folds.");
        if (folds > rowCount) throw new InputException($"--folds {folds}: the data has only {rowCount} rows; use fewer folds.");
    }

    private static int[] Complement(int rowCount, int[] test)
    {
        var inTest = new bool[rowCount];
        foreach (var i in test) inTest[i] = true;
        return Enumerable.Range(0, rowCount).Where(i => !inTest[i]).ToArray();
    }
}
