using KnnCli.Output;
using Spectre.Console;
using Spectre.Console.Testing;

namespace KnnCli.Tests;

/// <summary>
/// The output layer: styled on a terminal (colour, bordered tables), plain lines with no escape codes when the output
/// is redirected or NO_COLOR is set; rendered through Spectre's TestConsole and through the consoles knn builds.
/// </summary>
public sealed class TerminalOutputTests : IDisposable
{
    private const string Escape = "\u001b[";
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-terminal-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static readonly string[] Header = ["class", "count"];
    private static readonly string[][] Rows = [["setosa", "12"], ["versicolor", "13"]];

    [Fact]
    public void On_a_terminal_tables_have_borders_and_colour()
    {
        var writer = new StringWriter();
        var console = KnnConsole.Create(writer, isTerminal: true, Environment("TERM", "xterm-256color"));

        console.Table(Header, Rows, (row, column) => row == 1 && column == 1 ? "red" : null);

        var text = writer.ToString();
        Assert.True(console.Styled && console.Animated);
        Assert.Contains("╭", text);
        Assert.Contains(Escape, text);
        Assert.Contains("versicolor", text);
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, "1")]
    public void Redirected_or_NO_COLOR_output_is_the_plain_table_with_no_escape_codes(bool isTerminal, string? noColor)
    {
        var writer = new StringWriter();
        var environment = new Dictionary<string, string> { ["TERM"] = "xterm-256color" };
        if (noColor is not null) environment["NO_COLOR"] = noColor;
        var console = KnnConsole.Create(writer, isTerminal, environment.GetValueOrDefault);

        console.Table(Header, Rows, (_, _) => "red");
        console.MarkupLine("[yellow]warning:[/] careful");

        Assert.False(console.Styled || console.Animated);
        Assert.Equal("class       count\n----------  -----\nsetosa         12\nversicolor     13\nwarning: careful\n", writer.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_plain_table_right_aligns_columns_of_numbers_and_left_aligns_a_column_that_mixes_numbers_and_text()
    {
        var writer = new StringWriter();

        TextTable.Write(writer, ["setting", "value", "count"], [["max_run", "86400", "7"], ["kms_key_id", "(not set)", "12"]]);

        Assert.Equal(["setting     value      count", "----------  ---------  -----", "max_run     86400          7", "kms_key_id  (not set)     12"],
            writer.ToString().TrimEnd().Split(System.Environment.NewLine));
    }

    [Fact]
    public void A_long_plain_line_is_not_wrapped()
    {
        var writer = new StringWriter();
        var line = new string('x', 300);

        KnnConsole.Create(writer, isTerminal: false, _ => null).WriteLine(line);

        Assert.Equal(line + System.Environment.NewLine, writer.ToString());
    }

    [Fact]
    public async Task An_error_is_red_on_a_colour_terminal_and_the_same_one_line_text()
    {
        var colour = new TestConsole().Colors(ColorSystem.TrueColor).EmitAnsiSequences();
        var exitCode = await Run(new KnnServices { WorkingDirectory = _directory, Environment = _ => null, Output = new StringWriter(), ErrorConsole = colour }, "prepare", "--input", "missing.csv");

        Assert.Equal(2, exitCode);
        Assert.Contains(Escape, colour.Output);
        Assert.Contains("\u001b[1;38;5;9merror:", colour.Output);
        var error = Assert.Single(Strip(colour.Output).Split('\n'), line => line.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains("missing.csv", error);
    }

    [Fact]
    public async Task A_verb_prints_a_bordered_table_to_a_terminal_and_a_plain_one_to_a_pipe()
    {
        Assert.Equal(0, await Run(new KnnServices { WorkingDirectory = _directory, Environment = _ => null, Output = new StringWriter(), Error = new StringWriter(), Interactive = false }, "prepare"));

        var terminal = new TestConsole().Colors(ColorSystem.TrueColor).EmitAnsiSequences().Width(120);
        var styled = new KnnServices { WorkingDirectory = _directory, Environment = _ => null, OutputConsole = terminal, Error = new StringWriter(), Interactive = false };
        Assert.Equal(0, await Run(styled, "tune", "--k", "1,3"));
        Assert.Contains(Escape, terminal.Output);
        Assert.Contains("╭", terminal.Output);
        Assert.Contains("accuracy mean", terminal.Output);

        var pipe = new StringWriter();
        Assert.Equal(0, await Run(new KnnServices { WorkingDirectory = _directory, Environment = _ => null, Output = pipe, Error = new StringWriter(), Interactive = false }, "tune", "--k", "1,3"));
        Assert.DoesNotContain(Escape, pipe.ToString());
        Assert.DoesNotContain("╭", pipe.ToString());
        Assert.Contains("accuracy mean", pipe.ToString());
    }

    private static Task<int> Run(KnnServices services, params string[] args) => KnnApp.RunAsync(args, services);

    private static Func<string, string?> Environment(string name, string value) => n => n == name ? value : null;

    /// <summary>The text with its ANSI escape sequences removed.</summary>
    private static string Strip(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\u001b\[[0-9;?]*[A-Za-z]", "");
}
