namespace KnnCli.Output;

/// <summary>A plain aligned text table: columns of numbers right-aligned, other columns left-aligned, a rule under the header.</summary>
public static class TextTable
{
    public static void Write(TextWriter output, IReadOnlyList<string> header, IReadOnlyList<string[]> rows)
    {
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => c < r.Length ? r[c].Length : 0))).ToArray();
        var numeric = header.Select((_, c) => IsNumericColumn(rows, c)).ToArray();
        output.WriteLine(Line(header, widths, numeric));
        output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows) output.WriteLine(Line(row, widths, numeric));
    }

    /// <summary>A column whose every filled cell is a number; a column that mixes numbers and text stays left-aligned.</summary>
    public static bool IsNumericColumn(IReadOnlyList<string[]> rows, int column) =>
        rows.Count > 0 && rows.All(r => column >= r.Length || r[column].Length == 0 || IsNumber(r[column]));

    private static string Line(IReadOnlyList<string> cells, int[] widths, bool[] numeric) =>
        string.Join("  ", cells.Select((cell, c) => numeric[c] ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd();

    private static bool IsNumber(string cell) => double.TryParse(cell, System.Globalization.CultureInfo.InvariantCulture, out _);
}
