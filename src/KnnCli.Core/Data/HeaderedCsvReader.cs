using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using CsvHelper;

namespace KnnCli.Core.Data;

/// <summary>
/// A CSV with a header, read with CsvHelper's UTF-8 reader (fields trimmed, quotes as RFC 4180, bad quoting kept as
/// text for the checks that name it): the header's named columns (an unnamed first column, R's write.csv row names,
/// is not one of them), then each data row with its line, blank lines skipped. A row with the wrong field count, or a
/// quote that swallowed line breaks, is refused at its line; a bad cell is refused with its line and column.
/// </summary>
public sealed class HeaderedCsvReader : IDisposable
{
    private readonly CsvReader _csv;
    private readonly int _firstColumn;
    private readonly int _fieldCount;
    private readonly string[] _columns;

    /// <param name="input">UTF-8 (a UTF-16 or UTF-32 file is decoded by its byte-order mark); disposed with the reader.</param>
    /// <param name="displayName">How errors name the input (its path or URL).</param>
    public HeaderedCsvReader(Stream input, string displayName)
    {
        DisplayName = displayName;
        _csv = CsvReader.Create(input, Options);
        try
        {
            var header = _csv.Headers;
            if (header.Count == 0 || header.All(h => h.Length == 0))
                throw DataErrors.InFile(displayName, "the file is empty (no header row)");
            _fieldCount = header.Count;
            _firstColumn = header[0].Length == 0 ? 1 : 0;
            _columns = header.Skip(_firstColumn).ToArray();
            var duplicate = _columns.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
                throw DataErrors.At(displayName, 1, duplicate.Key, "the column name appears more than once");
        }
        catch
        {
            _csv.Dispose(); // a refused header closes the file at once, not when the collector gets to it
            throw;
        }
    }

    private static CsvReaderOptions Options { get; } = new()
    {
        HasHeader = true,
        Separator = ',',
        DetectSeparatorHint = false,
        TrimWhitespace = true,
        TrackLineNumbers = true,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    /// <summary>How errors name the input.</summary>
    public string DisplayName { get; }

    /// <summary>The named columns, in file order.</summary>
    public IReadOnlyList<string> Columns => _columns;

    /// <summary>The line of the current row (where it starts).</summary>
    public long Line { get; private set; }

    /// <summary>Moves to the next data row; false at the end of the input.</summary>
    public bool Read()
    {
        while (_csv.Read())
        {
            Line = _csv.LineNumber;
            if (_csv.FieldCount == 1 && _csv.GetSpan(0).IsEmpty) continue; // a line of blanks
            var spanned = _csv.RawRecord.TrimEnd("\r\n"u8).Count((byte)'\n');
            if (spanned > 0)
            {
                // Numbers and class names never hold line breaks: a quote opened and never closed swallowed them.
                var field = Enumerable.Range(0, _csv.FieldCount).FirstOrDefault(f => _csv.GetSpan(f).Contains((byte)'\n'), -1);
                throw DataErrors.At(DisplayName, Line, field >= _firstColumn ? Columns[field - _firstColumn] : null,
                    $"a quote opens a field that runs on over {spanned} more line(s); remove the stray \" or close the quote");
            }
            if (_csv.FieldCount != _fieldCount)
                throw DataErrors.At(DisplayName, Line, null, $"the row has {_csv.FieldCount} fields, the header has {_fieldCount}");
            return true;
        }
        return false;
    }

    /// <summary>A named column's index; a missing one is refused with the columns there are.</summary>
    public int ColumnIndex(string name)
    {
        var index = Array.IndexOf(_columns, name);
        return index >= 0 ? index
            : throw DataErrors.At(DisplayName, 1, name, $"no such column; the columns are {string.Join(", ", Columns.Take(20).Select(Errors.ErrorText.Excerpt))}{(Columns.Count > 20 ? $" and {Columns.Count - 20} more" : "")}");
    }

    /// <summary>The current row's value of a named column, as UTF-8; valid until the next read.</summary>
    public ReadOnlySpan<byte> Field(int column) => _csv.GetSpan(_firstColumn + column);

    public string Text(int column) => _csv.GetString(_firstColumn + column);

    /// <summary>True when the value is empty or NA, as pandas reads a missing value.</summary>
    public bool IsMissing(int column) => IsMissing(Field(column));

    /// <summary>The current row's finite number in a named column; anything else is refused at its line and column.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called for every cell: tiering would start it unoptimised
    public double Number(int column)
    {
        // CsvHelper's parser is the fast path for plain decimals (it reads "3,0" as a number, .NET does not); anything
        // else, and every refusal, goes to .NET's, whose verdict the messages follow.
        var text = Field(column);
        if (!text.ContainsAnyExcept(PlainNumberBytes) && _csv.TryParse<double>(_firstColumn + column, out var value) && double.IsFinite(value)) return value;
        if (IsMissing(text)) throw DataErrors.At(DisplayName, Line, Columns[column], "the value is missing");
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            throw DataErrors.At(DisplayName, Line, Columns[column], $"{DataErrors.Quoted(Encoding.UTF8.GetString(text))} is not a number");
        if (!double.IsFinite(value))
            throw DataErrors.At(DisplayName, Line, Columns[column], $"{DataErrors.Quoted(Encoding.UTF8.GetString(text))} is not a finite number");
        return value;
    }

    /// <summary>The current row's value of a named column as pandas' to_csv writes a float64 column (5.8, 3.0, 1e-05).</summary>
    public string FormattedNumber(int column) => PythonNumberFormat.Format(Number(column));

    private static readonly SearchValues<byte> PlainNumberBytes = SearchValues.Create("0123456789.eE+-"u8);

    private static bool IsMissing(ReadOnlySpan<byte> text) => text.IsEmpty || text.SequenceEqual("NA"u8);

    public void Dispose() => _csv.Dispose();
}
