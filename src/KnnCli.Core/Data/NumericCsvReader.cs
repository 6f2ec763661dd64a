using System.Globalization;
using System.Text;
using KnnCli.Core.Errors;

namespace KnnCli.Core.Data;

/// <summary>
/// Streams a SageMaker training CSV (no header, label first, all numeric) in batches with bounded memory.
/// Every row must have the same column count; errors name the file, line and column.
/// It parses UTF-8 bytes straight from a block buffer (no string per line): a number of up to 7 significant
/// digits and a short decimal exponent, as data files usually hold, is m / 10^e in float arithmetic, which is
/// exact and correctly rounded because both operands are exact floats; anything else goes to float.TryParse.
/// </summary>
public sealed class NumericCsvReader : INumericBatchReader
{
    /// <summary>The longest line accepted: a bound on memory for a file without line breaks.</summary>
    public const int MaxLineBytes = 64 << 20;

    private static readonly float[] PowersOfTen = [1f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f];

    private readonly Stream _stream;
    private readonly string _displayName;
    private readonly int _labelColumns;
    private readonly IReadOnlySet<float>? _classes;
    private byte[] _buffer = new byte[1 << 20];
    private int _start;
    private int _end;
    private bool _endOfStream;
    private bool _bomChecked;
    private long _line;
    private float[] _features = new float[4096];
    private float[] _labels = new float[256];
    private readonly List<string>? _text;

    /// <param name="displayName">How errors name the source (a path or s3:// URI).</param>
    /// <param name="labelColumns">1 when the first column is the label; 0 for feature-only rows (inference input).</param>
    /// <param name="classes">A classifier's classes: a label outside them is refused at its line (null: any label).</param>
    /// <param name="keepText">Each batch carries its rows' text as well (transform --join-input writes it back out).</param>
    public NumericCsvReader(Stream stream, string displayName, int labelColumns = 1, IReadOnlySet<float>? classes = null, bool keepText = false)
    {
        _stream = stream;
        _displayName = displayName;
        _labelColumns = labelColumns;
        _classes = classes;
        _text = keepText ? [] : null;
    }

    /// <summary>The line of the first row (after any blank lines), known once it is read.</summary>
    public long? FirstRowLine { get; private set; }

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
        var rows = 0;
        var featureCount = 0;
        _text?.Clear();
        while (rows < maxRows)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline < 0 && !_endOfStream)
            {
                await FillAsync(cancellationToken);
                continue;
            }
            var length = newline < 0 ? _end - _start : newline;
            if (newline < 0 && length == 0) break; // end of data
            _line++;
            var line = _buffer.AsSpan(_start, length);
            _start += newline < 0 ? length : length + 1;
            if (IsBlank(line)) continue;
            ParseRow(line, rows, ref featureCount);
            _text?.Add(Encoding.UTF8.GetString(line.EndsWith("\r"u8) ? line[..^1] : line));
            rows++;
        }
        RowCount += rows;
        return new NumericBatch(_features.AsSpan(0, rows * featureCount).ToArray(), _labels.AsSpan(0, rows * _labelColumns).ToArray(), rows, FeatureCount ?? 0)
        {
            Text = _text?.ToArray(),
        };
    }

    /// <summary>Moves the unread tail to the front and reads more; grows the buffer for a line longer than it.</summary>
    private async Task FillAsync(CancellationToken cancellationToken)
    {
        var pending = _end - _start;
        if (pending == _buffer.Length)
        {
            if (_buffer.Length >= MaxLineBytes)
                throw DataErrors.At(_displayName, _line + 1, null, $"the line is longer than {MaxLineBytes / (1 << 20)} MB");
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
        _start = 0;
        _end = pending;
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        if (read == 0) _endOfStream = true;
        _end += read;
        if (!_bomChecked && (_end >= 3 || _endOfStream))
        {
            if (_buffer.AsSpan(0, _end).StartsWith("\uFEFF"u8)) _start = 3;
            _bomChecked = true;
        }
    }

    private void ParseRow(ReadOnlySpan<byte> line, int row, ref int featureCount)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
        var expected = FeatureCount ?? 0;
        EnsureCapacity(row, Math.Max(expected, 1));
        var column = 0;
        var features = 0;
        while (true)
        {
            var comma = line.IndexOf((byte)',');
            var field = Trim(comma < 0 ? line : line[..comma]);
            column++;
            var value = ParseField(field, column);
            if (column <= _labelColumns)
            {
                if (_classes is not null && !_classes.Contains(value))
                    throw DataErrors.At(_displayName, _line, ColumnName(column),
                        $"{DataErrors.Quoted(Encoding.UTF8.GetString(field))} is not one of the model's classes ({string.Join(", ", _classes.Order().Take(10).Select(c => c.ToString(CultureInfo.InvariantCulture)))}{(_classes.Count > 10 ? ", …" : "")})");
                _labels[row * _labelColumns + column - 1] = value;
            }
            else
            {
                if (FeatureCount is null) EnsureCapacity(row, features + 1);
                else if (features == expected) throw Ragged(column - _labelColumns + (comma < 0 ? 0 : line[(comma + 1)..].Count((byte)',') + 1));
                _features[row * expected + features] = value;
                features++;
            }
            if (comma < 0) break;
            line = line[(comma + 1)..];
        }
        if (features == 0)
            throw DataErrors.At(_displayName, _line, null, _labelColumns > 0 ? "the row has a label but no features" : "the row has no values");
        if (FeatureCount is null)
        {
            FeatureCount = features;
            FirstRowLine = _line;
        }
        else if (features != FeatureCount)
        {
            throw Ragged(features);
        }
        featureCount = features;
    }

    private InputException Ragged(int features) =>
        DataErrors.At(_displayName, _line, null, $"the row has {features + _labelColumns} columns, expected {FeatureCount + _labelColumns} like the first row");

    private float ParseField(ReadOnlySpan<byte> field, int column)
    {
        if (TryParseShortDecimal(field, out var value)) return value;
        if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            throw DataErrors.At(_displayName, _line, ColumnName(column), field.IsEmpty ? "empty value" : $"{DataErrors.Quoted(Encoding.UTF8.GetString(field))} is not a number");
        if (!float.IsFinite(value))
            throw DataErrors.At(_displayName, _line, ColumnName(column), $"{DataErrors.Quoted(Encoding.UTF8.GetString(field))} is not a finite number");
        return value;
    }

    /// <summary>
    /// [-+]digits[.digits][e[-+]digits] with at most 7 significant digits and a resulting power of ten within
    /// ±10: exact as m × 10^e or m / 10^-e in float. Returns false for anything else (the caller falls back).
    /// </summary>
    private static bool TryParseShortDecimal(ReadOnlySpan<byte> field, out float value)
    {
        value = 0;
        var i = 0;
        var negative = false;
        if (i < field.Length && (field[i] == (byte)'-' || field[i] == (byte)'+'))
        {
            negative = field[i] == (byte)'-';
            i++;
        }
        var mantissa = 0;
        var significant = 0;
        var digits = 0;
        var exponent = 0;
        for (; i < field.Length && (uint)(field[i] - '0') <= 9; i++, digits++)
        {
            if (mantissa == 0 && field[i] == (byte)'0') continue;
            if (++significant > 7) return false;
            mantissa = mantissa * 10 + (field[i] - '0');
        }
        if (i < field.Length && field[i] == (byte)'.')
        {
            for (i++; i < field.Length && (uint)(field[i] - '0') <= 9; i++, digits++)
            {
                exponent--;
                if (mantissa == 0 && field[i] == (byte)'0') continue;
                if (++significant > 7) return false;
                mantissa = mantissa * 10 + (field[i] - '0');
            }
        }
        if (digits == 0) return false;
        if (i < field.Length && (field[i] | 0x20) == (byte)'e')
        {
            i++;
            var exponentNegative = false;
            if (i < field.Length && (field[i] == (byte)'-' || field[i] == (byte)'+'))
            {
                exponentNegative = field[i] == (byte)'-';
                i++;
            }
            var start = i;
            var written = 0;
            for (; i < field.Length && (uint)(field[i] - '0') <= 9; i++)
            {
                written = written * 10 + (field[i] - '0');
                if (written > 100) return false;
            }
            if (i == start) return false;
            exponent += exponentNegative ? -written : written;
        }
        if (i != field.Length || exponent < -10 || exponent > 10) return false;
        var magnitude = exponent >= 0 ? mantissa * PowersOfTen[exponent] : mantissa / PowersOfTen[-exponent];
        value = negative ? -magnitude : magnitude;
        return true;
    }

    private void EnsureCapacity(int row, int featuresPerRow)
    {
        var needFeatures = (row + 1) * featuresPerRow;
        if (needFeatures > _features.Length) Array.Resize(ref _features, Math.Max(needFeatures, _features.Length * 2));
        var needLabels = (row + 1) * _labelColumns;
        if (needLabels > _labels.Length) Array.Resize(ref _labels, Math.Max(needLabels, _labels.Length * 2));
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.IndexOfAnyExcept(" \t\r\f\v"u8) < 0;

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> field)
    {
        // Fields rarely carry spaces: test the ends before paying for a general trim.
        if (field.IsEmpty || (field[0] > (byte)' ' && field[^1] > (byte)' ')) return field;
        return field.Trim(" \t"u8);
    }

    private string ColumnName(int column) =>
        _labelColumns > 0 ? (column == 1 ? "1 (label)" : column.ToString(CultureInfo.InvariantCulture)) : column.ToString(CultureInfo.InvariantCulture);

    public void Dispose() => _stream.Dispose();
}

/// <summary>A batch of rows: features row-major, one label per row (empty when the reader has no label column).</summary>
public sealed record NumericBatch(float[] Features, float[] Labels, int RowCount, int FeatureCount)
{
    /// <summary>Each row's line as read (without its line break), when the reader keeps it.</summary>
    public IReadOnlyList<string>? Text { get; init; }
}
