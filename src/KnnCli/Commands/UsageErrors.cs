using System.CommandLine;
using System.CommandLine.Parsing;
using KnnCli.Core.Errors;

namespace KnnCli.Commands;

/// <summary>
/// Command-line mistakes (no verb, an unknown verb or option, a value of the wrong type, a missing value or
/// argument) as one `error: …` line in the user's words, with the nearest verb or option and a pointer to --help,
/// instead of System.CommandLine's messages followed by the whole help. Exit code 2. Read from the parse tree,
/// not from System.CommandLine's message text.
/// </summary>
public static class UsageErrors
{
    public static int Report(ParseResult result, TextWriter error)
    {
        error.WriteLine($"error: {string.Join("; ", Describe(result).Distinct())} (see '{CommandPath(result.CommandResult)} --help')");
        return ExitCodes.UsageOrInput;
    }

    /// <summary>What was wrong, one phrase per problem, most useful first.</summary>
    public static IEnumerable<string> Describe(ParseResult result)
    {
        var commandResult = result.CommandResult;
        var command = commandResult.Command;
        var unmatched = result.UnmatchedTokens;
        var problems = new List<string>();

        for (var i = 0; i < unmatched.Count; i++)
        {
            var token = unmatched[i];
            if (token.StartsWith('-'))
            {
                problems.Add($"unknown option {Excerpt(token)} for {CommandPath(commandResult)}{Suggest(token, OptionNames(commandResult))}");
                // The word after an unknown option is most likely its value, not a second mistake.
                if (i + 1 < unmatched.Count && !unmatched[i + 1].StartsWith('-')) i++;
            }
            else if (command.Subcommands.Count > 0)
            {
                var verbs = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
                problems.Add($"unknown verb '{Excerpt(token)}'{Suggest(token, verbs)}");
            }
            else
            {
                problems.Add($"unexpected argument '{Excerpt(token)}' for {CommandPath(commandResult)}");
            }
        }

        foreach (var parseError in result.Errors)
        {
            switch (parseError.SymbolResult)
            {
                case OptionResult option:
                    problems.Add(ValueProblem(option.Option.Name, option.Option.ValueType, option.Tokens, parseError));
                    break;
                case ArgumentResult { Parent: OptionResult option } argument:
                    problems.Add(ValueProblem(option.Option.Name, option.Option.ValueType, argument.Tokens, parseError));
                    break;
                case ArgumentResult argument:
                    problems.Add(argument.Tokens.Count == 0
                        ? $"{CommandPath(commandResult)} needs the <{argument.Argument.Name}> argument"
                        : ValueProblem($"<{argument.Argument.Name}>", argument.Argument.ValueType, argument.Tokens, parseError));
                    break;
                case CommandResult when unmatched.Count == 0 && command.Subcommands.Count > 0:
                    problems.Add(command is RootCommand
                        ? $"knn needs a verb: {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}"
                        : $"{CommandPath(commandResult)} needs one of: {string.Join(", ", command.Subcommands.Select(c => c.Name))}");
                    break;
                case CommandResult when unmatched.Count == 0:
                    // A required option that is absent, or a validator's own message.
                    problems.Add(MissingRequiredOption(commandResult) ?? parseError.Message.TrimEnd('.'));
                    break;
            }
        }

        return problems.Count > 0 ? problems : result.Errors.Select(e => e.Message.TrimEnd('.'));
    }

    /// <summary>"--test-fraction abc: expected a number", "--rows: expected a value", or a validator's own message.</summary>
    private static string ValueProblem(string name, Type valueType, IReadOnlyList<Token> tokens, ParseError parseError)
    {
        if (tokens.Count == 0) return $"{name}: expected {Expected(valueType)}";
        var given = string.Join(' ', tokens.Select(t => t.Value));
        var expected = Expected(valueType);
        // A value that converts but fails a validator keeps the validator's message (it says the rule).
        return IsConvertible(given, valueType) ? parseError.Message.TrimEnd('.') : $"{name} {Excerpt(given)}: expected {expected}";
    }

    private static string? MissingRequiredOption(CommandResult command)
    {
        var missing = OptionsOf(command).Where(o => o.Required && command.GetResult(o) is null).Select(o => o.Name).ToList();
        return missing.Count == 0 ? null : $"{CommandPath(command)} needs {string.Join(", ", missing)}";
    }

    private static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int) || type == typeof(long) || type == typeof(uint) || type == typeof(ulong) || type == typeof(short)) return "a whole number";
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return "a number";
        if (type == typeof(bool)) return "true or false";
        if (type.IsEnum) return $"one of {string.Join(", ", Enum.GetNames(type))}";
        if (type == typeof(FileInfo) || type == typeof(DirectoryInfo)) return "a path";
        if (type.IsArray || (type.IsGenericType && type.GetGenericTypeDefinition() != typeof(Nullable<>))) return "one or more values";
        return "a value";
    }

    private static bool IsConvertible(string value, Type type)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int)) return int.TryParse(value, inv, out _);
        if (type == typeof(long)) return long.TryParse(value, inv, out _);
        if (type == typeof(uint)) return uint.TryParse(value, inv, out _);
        if (type == typeof(double)) return double.TryParse(value, inv, out _);
        if (type == typeof(float)) return float.TryParse(value, inv, out _);
        if (type == typeof(bool)) return bool.TryParse(value, out _);
        if (type.IsEnum) return Enum.TryParse(type, value, ignoreCase: true, out _);
        return true;
    }

    /// <summary>" (did you mean --k?)" when a known name is close enough to be a typo.</summary>
    private static string Suggest(string typed, IEnumerable<string> candidates)
    {
        var bare = typed.Split('=', 2)[0];
        var best = candidates
            .Select(c => (Name: c, Distance: Distance(bare, c)))
            .Where(c => c.Distance <= Math.Max(2, c.Name.Length / 3))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Name is null ? "" : $" (did you mean {best.Name}?)";
    }

    private static IEnumerable<string> OptionNames(CommandResult command) =>
        OptionsOf(command).Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal));

    /// <summary>The command's options and the recursive options of the commands above it.</summary>
    private static IEnumerable<Option> OptionsOf(CommandResult command)
    {
        IEnumerable<Option> options = command.Command.Options;
        for (var parent = command.Parent as CommandResult; parent is not null; parent = parent.Parent as CommandResult)
            options = options.Concat(parent.Command.Options.Where(o => o.Recursive));
        return options;
    }

    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? at = command; at is CommandResult c; at = c.Parent)
            names.Add(c.Command is RootCommand ? "knn" : c.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }

    private static string Excerpt(string value) => ErrorText.Excerpt(value);

    /// <summary>Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
