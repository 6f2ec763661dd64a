using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Data;

/// <summary>
/// The one CSV preprocessor: reads a CSV with a header in one streaming pass, drops an unnamed leading row-index
/// column (as R's write.csv writes), moves the label first and maps class names to integers. Each feature cell is
/// parsed straight into a double (the file is never held as text); any bad cell stops it with the file, line and
/// column. It writes nothing itself.
/// </summary>
public static class DatasetPreprocessor
{
    /// <param name="input">The CSV's bytes; disposed when read.</param>
    /// <param name="displayName">How errors name the input (its path or URL).</param>
    /// <param name="labelColumn">The label column's name; null means Species when present, else the last column.</param>
    /// <param name="rowsRead">Told the number of data rows read so far, every few thousand rows.</param>
    public static PreparedDataset Load(Stream input, string displayName, string? labelColumn, IProgressReporter? rowsRead, CancellationToken cancellationToken)
    {
        using var csv = new HeaderedCsvReader(input, displayName);
        var columns = csv.Columns;
        if (columns.Count < 2)
            throw DataErrors.At(displayName, 1, null, $"the header has {columns.Count} named column(s); a label and at least one feature are needed");

        var label = labelColumn ?? (columns.Contains("Species", StringComparer.Ordinal) ? "Species" : columns[^1]);
        var labelIndex = csv.ColumnIndex(label);
        var featureIndexes = Enumerable.Range(0, columns.Count).Where(i => i != labelIndex).ToArray();

        var features = new FeatureMatrix(featureIndexes.Length);
        var labels = new LabelReader();
        ReadRows(csv, featureIndexes, labelIndex, features, labels, rowsRead, cancellationToken);
        if (features.RowCount == 0)
            throw DataErrors.InFile(displayName, "the file has a header but no data rows");

        var (labelTexts, map) = EncodeLabels(labels.Names, label);
        return new PreparedDataset(label, featureIndexes.Select(i => columns[i]).ToArray(), map, features, labels.Ids, labelTexts);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once, for every row: tiering would run it unoptimised
    private static void ReadRows(HeaderedCsvReader csv, int[] featureIndexes, int labelIndex, FeatureMatrix features, LabelReader labels,
        IProgressReporter? rowsRead, CancellationToken cancellationToken)
    {
        while (csv.Read())
        {
            var row = features.AddRow();
            for (var f = 0; f < row.Length; f++) row[f] = csv.Number(featureIndexes[f]);
            if (csv.IsMissing(labelIndex)) throw DataErrors.At(csv.DisplayName, csv.Line, csv.Columns[labelIndex], "the label is missing");
            labels.Add(csv.Field(labelIndex));
            if (features.RowCount % 4096 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                rowsRead?.Report(features.RowCount);
            }
        }
        rowsRead?.Report(features.RowCount);
    }

    /// <summary>Numeric labels are kept (regression or pre-encoded classes); otherwise class names become 0..n-1.</summary>
    /// <returns>What each distinct label (in order of first appearance) is written as.</returns>
    private static (string[] Texts, LabelMap? Map) EncodeLabels(List<string> names, string labelColumn)
    {
        if (names.TrueForAll(IsFiniteNumber))
        {
            var allIntegers = names.TrueForAll(t => long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
            return (names.Select(t => allIntegers ? long.Parse(t, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture) : PythonNumberFormat.Format(ParseDouble(t))).ToArray(), null);
        }
        var map = LabelMap.FromNames(labelColumn, names);
        var index = map.Classes.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        return (names.Select(name => index[name].ToString(CultureInfo.InvariantCulture)).ToArray(), map);
    }

    internal static bool IsFiniteNumber(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value);

    private static double ParseDouble(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>Each row's label as the index of its distinct text: a class name is decoded once, not once a row.</summary>
    private sealed class LabelReader
    {
        private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
        private char[] _chars = new char[64];

        public List<string> Names { get; } = [];
        public List<int> Ids { get; } = [];

        public void Add(ReadOnlySpan<byte> utf8)
        {
            if (_chars.Length < utf8.Length) _chars = new char[utf8.Length];
            var text = _chars.AsSpan(0, Encoding.UTF8.GetChars(utf8, _chars));
            var lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
            if (!lookup.TryGetValue(text, out var id))
            {
                id = Names.Count;
                var name = text.ToString();
                _ids.Add(name, id);
                Names.Add(name);
            }
            Ids.Add(id);
        }
    }
}
