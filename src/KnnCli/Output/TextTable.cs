namespace KnnCli.Output;

/// <summary>A plain aligned text table: numbers right-aligned, text left-aligned, a rule under the header.</summary>
public static class TextTable
{
    public static void Write(TextWriter output, IReadOnlyList<string> header, IReadOnlyList<string[]> rows)
    {
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => c < r.Length ? r[c].Length : 0))).ToArray();
        output.WriteLine(Line(header, widths));
        output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows) output.WriteLine(Line(row, widths));
    }

    private static string Line(IReadOnlyList<string> cells, int[] widths) =>
        string.Join("  ", cells.Select((cell, c) => IsNumber(cell) ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd();

    public static bool IsNumber(string cell) => double.TryParse(cell, System.Globalization.CultureInfo.InvariantCulture, out _);
}
