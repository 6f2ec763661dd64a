namespace KnnCli.Core.Data;

/// <summary>
/// The one rule for "does this CSV have a label column" at inference time (predict, transform): header-less rows of
/// the model's feature count are features only; one column more means a label comes first (as prepare writes the
/// test file); anything else is refused at the first row's line.
/// </summary>
public static class LabelColumn
{
    /// <returns>0 or 1: how many label columns come before the features.</returns>
    public static int Detect(string file, long line, int columns, int features)
    {
        if (columns == features) return 0;
        if (columns == features + 1) return 1;
        throw DataErrors.At(file, line, null, $"the row has {columns} columns; the model takes {features} features (or {features + 1} with a label first)");
    }

    /// <summary>Reads the file's first row to apply <see cref="Detect"/>; an empty file is refused.</summary>
    public static async Task<int> DetectAsync(string file, int features, CancellationToken cancellationToken)
    {
        using var reader = new NumericCsvReader(File.OpenRead(file), file, labelColumns: 0);
        var first = await reader.ReadBatchAsync(1, cancellationToken);
        if (first.RowCount == 0) throw DataErrors.InFile(file, "the file holds no rows");
        return Detect(file, reader.FirstRowLine!.Value, first.FeatureCount, features);
    }
}
