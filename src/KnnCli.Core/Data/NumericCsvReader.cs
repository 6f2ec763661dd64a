using System.Globalization;
using System.Text;

namespace KnnCli.Core.Data;

/// <summary>
/// Streams a SageMaker training CSV (no header, label first, all numeric) in batches with bounded memory.
/// Every row must have the same column count; errors name the file, line and column.
/// </summary>
public sealed class NumericCsvReader : IDisposable
{
    private readonly TextReader _reader;
    private readonly string _displayName;
    private readonly int _labelColumns;
    private long _line;

    /// <param name="displayName">How errors name the source (a path or s3:// URI).</param>
    /// <param name="labelColumns">1 when the first column is the label; 0 for feature-only rows (inference input).</param>
    public NumericCsvReader(Stream stream, string displayName, int labelColumns = 1)
    {
        _reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        _displayName = displayName;
        _labelColumns = labelColumns;
    }

    /// <summary>Features per row, known after the first row (null before).</summary>
    public int? FeatureCount { get; private set; }

    /// <summary>Rows read so far.</summary>
    public long RowCount { get; private set; }

    /// <summary>
    /// Reads up to <paramref name="maxRows"/> rows; returns an empty batch at the end of the data.
    /// Blank lines are skipped.
    /// </summary>
    public async Task<NumericBatch> ReadBatchAsync(int maxRows, CancellationToken cancellationToken)
    {
        var features = new List<float>();
        var labels = new List<float>();
        var rows = 0;
        while (rows < maxRows && await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            _line++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            ParseRow(line, features, labels);
            rows++;
        }
        RowCount += rows;
        return new NumericBatch(features.ToArray(), labels.ToArray(), rows, FeatureCount ?? 0);
    }

    private void ParseRow(string line, List<float> features, List<float> labels)
    {
        var span = line.AsSpan().TrimEnd('\r');
        var column = 0;
        var featureStart = features.Count;
        while (true)
        {
            var comma = span.IndexOf(',');
            var field = (comma < 0 ? span : span[..comma]).Trim();
            column++;
            if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                throw DataErrors.At(_displayName, _line, ColumnName(column), field.IsEmpty ? "empty value" : $"'{Truncate(field)}' is not a number");
            if (!float.IsFinite(value))
                throw DataErrors.At(_displayName, _line, ColumnName(column), $"'{Truncate(field)}' is not a finite number");
            if (column <= _labelColumns) labels.Add(value);
            else features.Add(value);
            if (comma < 0) break;
            span = span[(comma + 1)..];
        }
        var count = features.Count - featureStart;
        if (count == 0)
            throw DataErrors.At(_displayName, _line, null, _labelColumns > 0 ? "the row has a label but no features" : "the row has no values");
        if (FeatureCount is null) FeatureCount = count;
        else if (count != FeatureCount)
            throw DataErrors.At(_displayName, _line, null, $"the row has {count + _labelColumns} columns, expected {FeatureCount + _labelColumns} like the first row");
    }

    private string ColumnName(int column) =>
        _labelColumns > 0 ? (column == 1 ? "1 (label)" : column.ToString(CultureInfo.InvariantCulture)) : column.ToString(CultureInfo.InvariantCulture);

    private static string Truncate(ReadOnlySpan<char> field) => field.Length <= 40 ? field.ToString() : field[..40].ToString() + "…";

    public void Dispose() => _reader.Dispose();
}

/// <summary>A batch of rows: features row-major, one label per row (empty when the reader has no label column).</summary>
public sealed record NumericBatch(float[] Features, float[] Labels, int RowCount, int FeatureCount);
