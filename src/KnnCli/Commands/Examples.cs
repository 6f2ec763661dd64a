using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace KnnCli.Commands;

/// <summary>
/// An "Examples:" section at the end of a command's --help. System.CommandLine 2.0 keeps its HelpBuilder internal,
/// so the root's help action is wrapped once: it writes the usual help, then the examples of the command asked about.
/// </summary>
public static class Examples
{
    private static readonly ConditionalWeakTable<Command, string[]> ByCommand = new();

    /// <summary>Gives <paramref name="command"/> its example command lines (each a whole `knn …` line).</summary>
    public static TCommand WithExamples<TCommand>(this TCommand command, params string[] examples) where TCommand : Command
    {
        ByCommand.AddOrUpdate(command, examples);
        return command;
    }

    public static IReadOnlyList<string> Of(Command command) => ByCommand.TryGetValue(command, out var examples) ? examples : [];

    /// <summary>Makes every command's --help (the root's help option is recursive) end with its examples.</summary>
    public static void AddToHelp(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new HelpWithExamples((HelpAction)help.Action!);
    }

    internal sealed class HelpWithExamples(HelpAction help) : SynchronousCommandLineAction
    {
        /// <summary>System.CommandLine's own help, which writes everything above the examples.</summary>
        public HelpAction Help => help;

        public override bool ClearsParseErrors => help.ClearsParseErrors;

        public override int Invoke(ParseResult parseResult)
        {
            var exitCode = help.Invoke(parseResult);
            var examples = Of(parseResult.CommandResult.Command);
            if (examples.Count == 0) return exitCode;
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Examples:");
            foreach (var example in examples) output.WriteLine($"  {example}");
            output.WriteLine();
            return exitCode;
        }
    }
}
