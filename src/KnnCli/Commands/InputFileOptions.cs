using System.CommandLine;

namespace KnnCli.Commands;

/// <summary>How predict and transform read an --input file that has a header (the same definitions on both verbs).</summary>
public static class InputFileOptions
{
    public static readonly Option<bool> Header = new("--header") { Description = "The first row names the columns (detected when every field of it is a name)" };
    public static readonly Option<string?> Label = new("--label") { Description = "Label column of a file with a header (default: the prepared label column when present)" };
}
