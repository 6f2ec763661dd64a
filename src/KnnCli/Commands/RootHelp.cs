using System.CommandLine;
using System.Text;

namespace KnnCli.Commands;

/// <summary>
/// `knn --help` without building the command tree: the text System.CommandLine's help builder writes for the root
/// (same sections, columns and wrapping; RootHelpTests holds the two equal at several widths), from the verb catalog
/// and the common options' help rows. Building all seventeen verbs and running the help builder took 40 of its 75 ms;
/// constructing the common options alone, 18 of the remaining 65.
/// </summary>
public static class RootHelp
{
    private const string Indent = "  ";

    /// <summary>The width System.CommandLine's help wraps at: the window's, or none when output is redirected.</summary>
    public static int ConsoleWidth()
    {
        try
        {
            return Console.IsOutputRedirected ? int.MaxValue : Console.WindowWidth;
        }
        catch (IOException)
        {
            return int.MaxValue;
        }
    }

    public static void Write(TextWriter output, int maxWidth)
    {
        var text = new StringBuilder(4096);
        WriteHeading(text, "Description:", KnnApp.Description, maxWidth);
        text.AppendLine();
        WriteHeading(text, "Usage:", $"{RootCommand.ExecutableName} [command] [options]", maxWidth);
        text.AppendLine();

        var options = new List<(string, string)>();
        foreach (var (names, valueLabel, description) in CommonOptionHelp.Rows) options.Add((valueLabel is null ? names : $"{names} {valueLabel}", description));
        options.Add(("-?, -h, --help", "Show help and usage information"));
        options.Add(("--version", "Show version information"));
        text.AppendLine("Options:");
        WriteColumns(text, options, maxWidth);
        text.AppendLine();

        var verbs = new List<(string, string)>();
        foreach (var verb in KnnApp.Verbs) verbs.Add((verb.ArgumentLabel is null ? verb.Name : $"{verb.Name} {verb.ArgumentLabel}", verb.Description));
        text.AppendLine("Commands:");
        WriteColumns(text, verbs, maxWidth);
        text.AppendLine();

        text.AppendLine("Examples:");
        foreach (var example in KnnApp.RootExamples) text.Append(Indent).AppendLine(example);
        text.AppendLine();
        output.Write(text.ToString());
    }

    private static void WriteHeading(StringBuilder text, string heading, string description, int maxWidth)
    {
        text.AppendLine(heading);
        foreach (var part in Wrap(description, maxWidth - Indent.Length)) text.Append(Indent).AppendLine(part);
    }

    /// <summary>Two columns as System.CommandLine lays them: the first as wide as its widest cell, narrowed to half the width when both do not fit.</summary>
    private static void WriteColumns(StringBuilder text, List<(string First, string Second)> rows, int maxWidth)
    {
        int firstWidth = 0, secondWidth = 0;
        foreach (var (first, second) in rows)
        {
            firstWidth = Math.Max(firstWidth, first.Length);
            secondWidth = Math.Max(secondWidth, second.Length);
        }
        if ((long)firstWidth + secondWidth + 2 * Indent.Length > maxWidth)
        {
            var firstMaxWidth = maxWidth / 2 - Indent.Length;
            if (firstWidth > firstMaxWidth)
            {
                firstWidth = 0;
                foreach (var (first, _) in rows)
                    foreach (var part in Wrap(first, firstMaxWidth)) firstWidth = Math.Max(firstWidth, part.Length);
            }
            secondWidth = maxWidth - firstWidth - 2 * Indent.Length;
        }
        foreach (var (first, second) in rows)
        {
            var firstParts = Wrap(first, firstWidth);
            var secondParts = Wrap(second, secondWidth);
            for (var line = 0; line < Math.Max(firstParts.Count, secondParts.Count); line++)
            {
                var left = line < firstParts.Count ? firstParts[line] : "";
                text.Append(Indent).Append(left);
                if (line < secondParts.Count && !string.IsNullOrWhiteSpace(secondParts[line]))
                    text.Append(' ', Math.Max(0, firstWidth - left.Length)).Append(Indent).Append(secondParts[line]);
                text.AppendLine();
            }
        }
    }

    /// <summary>System.CommandLine's wrapping: break after the last whitespace within the width, else at the width.</summary>
    private static List<string> Wrap(string text, int maxWidth)
    {
        var parts = new List<string>();
        if (string.IsNullOrWhiteSpace(text)) return parts;
        foreach (var line in text.Split(["\r\n", "\n"], StringSplitOptions.None))
        {
            if (line.Length <= maxWidth)
            {
                parts.Add(line);
                continue;
            }
            for (var i = 0; i < line.Length;)
            {
                if (line.Length - i < maxWidth)
                {
                    parts.Add(line[i..]);
                    break;
                }
                var length = -1;
                for (var j = 0; i + j < line.Length && j < maxWidth; j++)
                    if (char.IsWhiteSpace(line[i + j])) length = j + 1;
                if (length == -1) length = maxWidth;
                parts.Add(line.Substring(i, length));
                i += length;
            }
        }
        return parts;
    }
}
