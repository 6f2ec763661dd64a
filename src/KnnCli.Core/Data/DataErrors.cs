using KnnCli.Core.Errors;

namespace KnnCli.Core.Data;

/// <summary>
/// Helpers that build the one-line data errors: "FILE:LINE: column 'NAME': what is wrong". Column names and
/// values are quoted as short excerpts (<see cref="ErrorText.Excerpt"/>).
/// </summary>
public static class DataErrors
{
    public static InputException At(string file, long line, string? column, string problem) =>
        new(column is null ? $"{file}:{line}: {problem}" : $"{file}:{line}: column '{ErrorText.Excerpt(column)}': {problem}");

    /// <summary>A bad value, quoted as an excerpt: "'abc' is not a number".</summary>
    public static string Quoted(string value) => $"'{ErrorText.Excerpt(value)}'";

    public static InputException InFile(string file, string problem) => new($"{file}: {problem}");
}
