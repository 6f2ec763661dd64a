using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using KnnCli.Core.Errors;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Data;

/// <summary>A loaded data set, label first: the rows as written to the prepared CSVs, before the split.</summary>
public sealed record PreparedDataset(
    string LabelColumn,
    IReadOnlyList<string> FeatureColumns,
    IReadOnlyList<string[]> Rows,
    LabelMap? LabelMap)
{
    /// <summary>The label of each row as a number (class index or regression target).</summary>
    public double LabelOf(int row) => double.Parse(Rows[row][0], CultureInfo.InvariantCulture);
}

/// <summary>
/// The one CSV preprocessor: reads a CSV with a header, drops an unnamed leading row-index column (as R's
/// write.csv writes), moves the label first, maps class names to integers and formats every value as pandas'
/// to_csv would. Any bad cell stops it with the file, line and column; it writes nothing itself.
/// </summary>
public static class DatasetPreprocessor
{
    /// <param name="displayName">How errors name the input (its path or URL).</param>
    /// <param name="labelColumn">The label column's name; null means Species when present, else the last column.</param>
    /// <param name="rowsRead">Told the number of data rows read so far, every few thousand rows.</param>
    public static PreparedDataset Load(TextReader reader, string displayName, string? labelColumn, IProgressReporter? rowsRead = null)
    {
        using var csv = new CsvReader(reader, Configuration);
        var (header, firstColumn, columns) = ReadHeader(csv, displayName);
        if (columns.Length < 2)
            throw DataErrors.At(displayName, 1, null, $"the header has {columns.Length} named column(s); a label and at least one feature are needed");

        var label = labelColumn ?? (columns.Contains("Species", StringComparer.Ordinal) ? "Species" : columns[^1]);
        var labelIndex = ColumnIndex(columns, label, displayName);
        var featureIndexes = Enumerable.Range(0, columns.Length).Where(i => i != labelIndex).ToArray();

        var rawLabels = new List<string>();
        var rawFeatures = new List<string[]>();
        foreach (var (values, line) in DataRows(csv, displayName, header, firstColumn))
        {
            var features = new string[featureIndexes.Length];
            for (var f = 0; f < featureIndexes.Length; f++)
            {
                var column = featureIndexes[f];
                features[f] = FormatNumber(values[column], displayName, line, columns[column]);
            }
            var labelText = values[labelIndex];
            if (labelText.Length == 0 || labelText.Equals("NA", StringComparison.Ordinal))
                throw DataErrors.At(displayName, line, label, "the label is missing");
            rawLabels.Add(labelText);
            rawFeatures.Add(features);
            if (rawFeatures.Count % 4096 == 0) rowsRead?.Report(rawFeatures.Count);
        }
        rowsRead?.Report(rawFeatures.Count);
        if (rawFeatures.Count == 0)
            throw DataErrors.InFile(displayName, "the file has a header but no data rows");

        var (labels, map) = EncodeLabels(rawLabels, label);
        var rows = new string[rawFeatures.Count][];
        for (var r = 0; r < rows.Length; r++)
        {
            rows[r] = new string[featureIndexes.Length + 1];
            rows[r][0] = labels[r];
            rawFeatures[r].CopyTo(rows[r], 1);
        }
        return new PreparedDataset(label, featureIndexes.Select(i => columns[i]).ToArray(), rows, map);
    }

    /// <summary>How every headered CSV is read: fields trimmed, quotes as RFC 4180, bad data left for the checks that name it.</summary>
    internal static CsvConfiguration Configuration { get; } = new(CultureInfo.InvariantCulture)
    {
        HasHeaderRecord = true,
        DetectColumnCountChanges = false,
        BadDataFound = null,
        TrimOptions = TrimOptions.Trim,
    };

    /// <summary>The header row; an unnamed first column (R's write.csv row names) is not one of the named columns.</summary>
    internal static (string[] Header, int FirstColumn, string[] Columns) ReadHeader(CsvReader csv, string displayName)
    {
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } header || header.All(h => h.Length == 0))
            throw DataErrors.InFile(displayName, "the file is empty (no header row)");
        var firstColumn = header[0].Length == 0 ? 1 : 0;
        var columns = header[firstColumn..];
        var duplicate = columns.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw DataErrors.At(displayName, 1, duplicate.Key, "the column name appears more than once");
        return (header, firstColumn, columns);
    }

    /// <summary>
    /// The data rows after the header: each one's named values and line, blank lines skipped; a row with the wrong
    /// field count, or a quote that swallowed line breaks, is refused at its line.
    /// </summary>
    internal static IEnumerable<(string[] Values, long Line)> DataRows(CsvReader csv, string displayName, string[] header, int firstColumn)
    {
        var previousLine = csv.Parser.RawRow;
        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            var firstLine = previousLine + 1;
            previousLine = line;
            var record = csv.Parser.Record ?? [];
            if (record.Length == 1 && record[0].Length == 0) continue; // a blank line
            var spanned = csv.Parser.RawRecord.AsSpan().TrimEnd("\r\n").Count('\n');
            if (spanned > 0)
            {
                // Numbers and class names never hold line breaks: a quote opened and never closed swallowed them.
                var field = Array.FindIndex(record, f => f.Contains('\n'));
                throw DataErrors.At(displayName, firstLine, field >= firstColumn ? header[field] : null,
                    $"a quote opens a field that runs on over {spanned} more line(s); remove the stray \" or close the quote");
            }
            if (record.Length != header.Length)
                throw DataErrors.At(displayName, line, null, $"the row has {record.Length} fields, the header has {header.Length}");
            yield return (record[firstColumn..], line);
        }
    }

    /// <summary>A named column's index; a missing one is refused with the columns there are.</summary>
    internal static int ColumnIndex(string[] columns, string name, string displayName)
    {
        var index = Array.IndexOf(columns, name);
        return index >= 0 ? index
            : throw DataErrors.At(displayName, 1, name, $"no such column; the columns are {string.Join(", ", columns.Take(20).Select(ErrorText.Excerpt))}{(columns.Length > 20 ? $" and {columns.Length - 20} more" : "")}");
    }

    /// <summary>Numeric labels are kept (regression or pre-encoded classes); otherwise class names become 0..n-1.</summary>
    private static (string[] Labels, LabelMap? Map) EncodeLabels(List<string> raw, string labelColumn)
    {
        if (raw.TrueForAll(IsFiniteNumber))
        {
            var allIntegers = raw.TrueForAll(t => long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
            return (raw.Select(t => allIntegers ? long.Parse(t, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture) : PythonNumberFormat.Format(ParseDouble(t))).ToArray(), null);
        }
        var map = LabelMap.FromNames(labelColumn, raw);
        var index = map.Classes.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        return (raw.Select(name => index[name].ToString(CultureInfo.InvariantCulture)).ToArray(), map);
    }

    internal static string FormatNumber(string text, string file, long line, string column)
    {
        if (text.Length == 0 || text.Equals("NA", StringComparison.Ordinal))
            throw DataErrors.At(file, line, column, "the value is missing");
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw DataErrors.At(file, line, column, $"{DataErrors.Quoted(text)} is not a number");
        if (!double.IsFinite(value))
            throw DataErrors.At(file, line, column, $"{DataErrors.Quoted(text)} is not a finite number");
        return PythonNumberFormat.Format(value);
    }

    internal static bool IsFiniteNumber(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value);

    private static double ParseDouble(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
