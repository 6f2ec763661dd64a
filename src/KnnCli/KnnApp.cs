using System.CommandLine;
using System.Reflection;
using System.CommandLine.Invocation;
using KnnCli.Commands;

namespace KnnCli;

/// <summary>The command tree: one file per verb under Commands/.</summary>
public static class KnnApp
{
    public const string Description = "knn: the Amazon SageMaker k-NN workflow from a terminal, on the local target or SageMaker";

    public static readonly string[] RootExamples = ["knn run", "knn prepare && knn upload && knn train && knn deploy && knn predict && knn cleanup"];

    /// <summary>A verb as the root's help lists it (with its argument's label, if it takes one), and how to build it.</summary>
    public sealed record Verb(string Name, string Description, Func<KnnServices, Command> Create, string? ArgumentLabel = null);

    /// <summary>Every verb, in the order the root's help lists them.</summary>
    public static readonly Verb[] Verbs =
    [
        new(PrepareCommand.Name, PrepareCommand.Description, PrepareCommand.Create),
        new(UploadCommand.Name, UploadCommand.Description, UploadCommand.Create),
        new(TrainCommand.Name, TrainCommand.Description, TrainCommand.Create),
        new(WaitCommand.Name, WaitCommand.Description, WaitCommand.Create),
        new(LogsCommand.Name, LogsCommand.Description, LogsCommand.Create),
        new(DeployCommand.Name, DeployCommand.Description, DeployCommand.Create),
        new(PredictCommand.Name, PredictCommand.Description, PredictCommand.Create),
        new(CleanupCommand.Name, CleanupCommand.Description, CleanupCommand.Create),
        new(RunCommand.Name, RunCommand.Description, RunCommand.Create),
        new(StatusCommand.Name, StatusCommand.Description, StatusCommand.Create),
        new(ServeCommand.Name, ServeCommand.Description, ServeCommand.Create),
        new(ModelCommand.Name, ModelCommand.Description, ModelCommand.Create),
        new(TransformCommand.Name, TransformCommand.Description, TransformCommand.Create),
        new(TuneCommand.Name, TuneCommand.Description, TuneCommand.Create),
        new(DoctorCommand.Name, DoctorCommand.Description, DoctorCommand.Create),
        new(ConfigCommand.Name, ConfigCommand.Description, ConfigCommand.Create),
        new(CompletionCommand.Name, CompletionCommand.Description, CompletionCommand.Create, CompletionCommand.ShellLabel),
    ];

    /// <summary>The whole tree.</summary>
    public static RootCommand Build(KnnServices services) => Build(services, Verbs);

    /// <summary>The root with only <paramref name="verbs"/> below it: a named verb parses the same without its siblings.</summary>
    private static RootCommand Build(KnnServices services, IEnumerable<Verb> verbs)
    {
        var root = new RootCommand(Description);
        foreach (var option in CommonOptions.All) root.Options.Add(option);
        foreach (var verb in verbs) root.Subcommands.Add(verb.Create(services));
        root.WithExamples(RootExamples);
        Examples.AddToHelp(root);
        return root;
    }

    /// <summary>What `knn --version` prints, as System.CommandLine's version option would: the informational version (0.1.0+commit).</summary>
    public static string Version { get; } = typeof(KnnApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";

    /// <summary>Parses and runs; a command-line mistake is reported by <see cref="UsageErrors"/> (exit 2) and runs nothing.</summary>
    public static async Task<int> RunAsync(string[] args, KnnServices services, CancellationToken cancellationToken = default)
    {
        // `knn --version` and `knn --help` answer before the command tree is built: building it and System.CommandLine's
        // help builder are most of the process's start-up (docs/benchmarks.md).
        switch (args)
        {
            case ["--version"]:
                await services.Output.WriteLineAsync(Version);
                return 0;
            case ["--help" or "-h" or "-?"]:
                RootHelp.Write(services.Output, RootHelp.ConsoleWidth());
                return 0;
        }
        var named = args.Length > 0 ? Array.Find(Verbs, verb => verb.Name == args[0]) : null;
        var result = Build(services, named is null ? Verbs : [named]).Parse(args);
        if (result.Action is ParseErrorAction) return UsageErrors.Report(result, services.Error);
        return await result.InvokeAsync(new InvocationConfiguration { Output = services.Output, Error = services.Error }, cancellationToken);
    }
}
