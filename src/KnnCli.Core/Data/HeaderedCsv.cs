using System.Globalization;
using System.Text;
using KnnCli.Core.Errors;

namespace KnnCli.Core.Data;

/// <summary>Which columns of a headered CSV predict and transform read, and how its labels map to the model's.</summary>
public sealed record HeaderedCsvColumns
{
    /// <summary>The label column's name (--label); null: the prepared label column when the header has it, else no label.</summary>
    public string? Label { get; init; }
    /// <summary>The prepared feature columns: taken by name, in this order, when the header has them all.</summary>
    public IReadOnlyList<string>? Features { get; init; }
    /// <summary>The prepared class names: a label that is a name becomes its index, as prepare encoded it.</summary>
    public LabelMap? LabelMap { get; init; }
    /// <summary>The model's feature count, when known: other counts are refused at the header.</summary>
    public int? ExpectedFeatures { get; init; }
}

/// <summary>What <see cref="HeaderedCsv.ConvertAsync"/> wrote: its label column count (0 or 1) and the feature columns it took.</summary>
public sealed record ConvertedCsv(int LabelColumns, long Rows, IReadOnlyList<string> FeatureColumns, string? LabelColumn);

/// <summary>
/// Predict and transform read the files people have: a CSV with a header, features in any order, the label in any
/// column, classes by name. It is rewritten, streaming, as knn's numeric CSV (label first when there is one, the
/// features in the prepared order), so everything after reads one form.
/// </summary>
public static class HeaderedCsv
{
    /// <summary>
    /// True when the first non-blank line is a header: every field of it is a name (not a number, holding a letter; an
    /// empty first field is R's row-name column) and no control character shows it to be binary.
    /// </summary>
    public static async Task<bool> HasHeaderAsync(string path, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (line.Any(c => char.IsControl(c) && c != '\t')) return false;
            var fields = line.Split(',').Select(field => field.Trim().Trim('"')).Where(field => field.Length > 0).ToArray();
            return fields.Length > 0 && fields.All(field => !DatasetPreprocessor.IsFiniteNumber(field) && field.Any(char.IsLetter));
        }
        return false;
    }

    public static async Task<ConvertedCsv> ConvertAsync(string path, string destination, HeaderedCsvColumns columns, CancellationToken cancellationToken)
    {
        using var csv = new HeaderedCsvReader(File.OpenRead(path), path);
        var named = csv.Columns;

        var label = columns.Label ?? (columns.LabelMap?.LabelColumn is { } prepared && named.Contains(prepared, StringComparer.Ordinal) ? prepared : null);
        var labelIndex = label is null ? -1 : csv.ColumnIndex(label);
        var featureIndexes = columns.Features is { } features && features.All(f => named.Contains(f, StringComparer.Ordinal))
            ? features.Select(csv.ColumnIndex).ToArray()
            : Enumerable.Range(0, named.Count).Where(i => i != labelIndex).ToArray();
        if (columns.ExpectedFeatures is { } expected && featureIndexes.Length != expected)
            throw DataErrors.At(path, 1, null,
                $"the header names {featureIndexes.Length} feature column(s) ({string.Join(", ", featureIndexes.Take(10).Select(i => ErrorText.Excerpt(named[i])))}"
                + $"{(label is null ? "" : $"; label {ErrorText.Excerpt(label)}")}); the model takes {expected}"
                + (label is null && featureIndexes.Length == expected + 1 ? ": name the label column with --label" : ""));
        var classIndex = columns.LabelMap?.Classes.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);

        var rows = 0L;
        await using (var output = new StreamWriter(destination, false, new UTF8Encoding(false), 1 << 16))
        {
            var line = new StringBuilder();
            while (csv.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                line.Clear();
                if (labelIndex >= 0) line.Append(Label(csv, labelIndex, classIndex, path, label!)).Append(',');
                for (var f = 0; f < featureIndexes.Length; f++)
                {
                    if (f > 0) line.Append(',');
                    line.Append(csv.FormattedNumber(featureIndexes[f]));
                }
                await output.WriteLineAsync(line, cancellationToken);
                rows++;
            }
        }
        if (rows == 0) throw DataErrors.InFile(path, "the file has a header but no data rows");
        return new ConvertedCsv(labelIndex >= 0 ? 1 : 0, rows, featureIndexes.Select(i => named[i]).ToArray(), label);
    }

    /// <summary>A number stays as it is; a class name becomes the index prepare gave it.</summary>
    private static string Label(HeaderedCsvReader csv, int labelIndex, Dictionary<string, int>? classIndex, string path, string column)
    {
        var text = csv.Text(labelIndex);
        var line = csv.Line;
        if (DatasetPreprocessor.IsFiniteNumber(text)) return csv.FormattedNumber(labelIndex);
        if (csv.IsMissing(labelIndex)) throw DataErrors.At(path, line, column, "the label is missing");
        if (classIndex is null)
            throw DataErrors.At(path, line, column, $"{DataErrors.Quoted(text)} is a class name, but no class names are known here: run `knn prepare` on the training data first");
        return classIndex.TryGetValue(text, out var index)
            ? index.ToString(CultureInfo.InvariantCulture)
            : throw DataErrors.At(path, line, column, $"{DataErrors.Quoted(text)} is not one of the model's classes ({string.Join(", ", classIndex.Keys.Take(10).Select(ErrorText.Excerpt))}{(classIndex.Count > 10 ? ", …" : "")})");
    }
}
