using Spectre.Console;
using Spectre.Console.Rendering;

namespace KnnCli.Output;

/// <summary>
/// One output stream (stdout for results, stderr for diagnostics) behind Spectre.Console's <see cref="IAnsiConsole"/>.
/// Styled (colour, bordered tables, live progress) only on a terminal without NO_COLOR; otherwise plain lines written
/// as they are, never wrapped and with no escape codes, so pipes, files and scripts get stable text.
/// </summary>
public sealed class KnnConsole(IAnsiConsole console)
{
    public IAnsiConsole Ansi { get; } = console;

    /// <summary>Colour and styled tables.</summary>
    public bool Styled => Ansi.Profile.Capabilities.Ansi;

    /// <summary>Live, redrawn output (spinners, progress bars): a styled, interactive terminal only.</summary>
    public bool Animated => Styled && Ansi.Profile.Capabilities.Interactive;

    /// <summary>
    /// The console for <paramref name="writer"/>: styled when it is a terminal, NO_COLOR is not set (no-color.org: any
    /// non-empty value) and TERM is not "dumb"; plain otherwise.
    /// </summary>
    public static KnnConsole Create(TextWriter writer, bool isTerminal, Func<string, string?> environment)
    {
        var styled = isTerminal && string.IsNullOrEmpty(environment("NO_COLOR")) && environment("TERM") != "dumb";
        return new KnnConsole(AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = styled ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = styled ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = styled ? InteractionSupport.Yes : InteractionSupport.No,
            // Colour depth is read from the same environment knn reads (TERM, COLORTERM), so tests can set it.
            EnvironmentVariables = new[] { "TERM", "COLORTERM", "TERM_PROGRAM", "WT_SESSION" }
                .Select(name => (Name: name, Value: environment(name)))
                .Where(v => v.Value is not null)
                .ToDictionary(v => v.Name, v => v.Value!),
        }));
    }

    public void WriteLine()
    {
        if (Styled) Ansi.WriteLine();
        else Raw.WriteLine();
    }

    /// <summary>A line of text, as is (never read as markup).</summary>
    public void WriteLine(string text)
    {
        if (Styled) Ansi.WriteLine(text);
        else Raw.WriteLine(text);
    }

    /// <summary>A line of Spectre markup; plain output drops the styling and keeps the text.</summary>
    public void MarkupLine(string markup)
    {
        if (Styled) Ansi.MarkupLine(markup);
        else Raw.WriteLine(markup.RemoveMarkup());
    }

    /// <summary>Text exactly as given, for machine-read output (one JSON document).</summary>
    public void WriteVerbatim(string text) => Raw.WriteLine(text);

    /// <summary>
    /// A table: bordered, with a bold header, on a terminal; the plain aligned <see cref="TextTable"/> otherwise. Numbers
    /// are right-aligned either way. <paramref name="style"/> gives a cell's Spectre style (by row and column), or null.
    /// </summary>
    public void Table(IReadOnlyList<string> header, IReadOnlyList<string[]> rows, Func<int, int, string?>? style = null)
    {
        if (!Styled)
        {
            TextTable.Write(Raw, header, rows);
            return;
        }
        var table = new Table().RoundedBorder().BorderColor(Color.Grey);
        for (var c = 0; c < header.Count; c++)
        {
            var numeric = TextTable.IsNumericColumn(rows, c);
            var column = new TableColumn(new Markup($"[bold]{Markup.Escape(header[c])}[/]"));
            table.AddColumn(numeric ? column.RightAligned() : column);
        }
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            table.AddRow(row.Select((cell, c) => (IRenderable)(style?.Invoke(r, c) is { } s ? new Markup($"[{s}]{Markup.Escape(cell)}[/]") : new Text(cell))));
        }
        Ansi.Write(table);
    }

    /// <summary>Green for a pass, red for a fail, as Spectre markup (plain output keeps only the text).</summary>
    public static string PassFail(bool pass, string text) => $"[{(pass ? "green" : "red")}]{Markup.Escape(text)}[/]";

    private TextWriter Raw => Ansi.Profile.Out.Writer;
}
