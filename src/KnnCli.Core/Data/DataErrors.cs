using KnnCli.Core.Errors;

namespace KnnCli.Core.Data;

/// <summary>Helpers that build the one-line data errors: "FILE:LINE: column 'NAME': what is wrong".</summary>
public static class DataErrors
{
    public static InputException At(string file, long line, string? column, string problem) =>
        new(column is null ? $"{file}:{line}: {problem}" : $"{file}:{line}: column '{column}': {problem}");

    public static InputException InFile(string file, string problem) => new($"{file}: {problem}");
}
