using System.CommandLine;
using System.Reflection;
using System.CommandLine.Invocation;
using KnnCli.Commands;

namespace KnnCli;

/// <summary>The command tree: one file per verb under Commands/.</summary>
public static class KnnApp
{
    public static RootCommand Build(KnnServices services)
    {
        var root = new RootCommand("knn: the Amazon SageMaker k-NN workflow from a terminal, on the local target or SageMaker");
        foreach (var option in CommonOptions.All) root.Options.Add(option);
        root.Subcommands.Add(PrepareCommand.Create(services));
        root.Subcommands.Add(UploadCommand.Create(services));
        root.Subcommands.Add(TrainCommand.Create(services));
        root.Subcommands.Add(WaitCommand.Create(services));
        root.Subcommands.Add(LogsCommand.Create(services));
        root.Subcommands.Add(DeployCommand.Create(services));
        root.Subcommands.Add(PredictCommand.Create(services));
        root.Subcommands.Add(CleanupCommand.Create(services));
        root.Subcommands.Add(RunCommand.Create(services));
        root.Subcommands.Add(StatusCommand.Create(services));
        root.Subcommands.Add(ServeCommand.Create(services));
        root.Subcommands.Add(ModelCommand.Create(services));
        root.Subcommands.Add(TransformCommand.Create(services));
        root.Subcommands.Add(TuneCommand.Create(services));
        root.Subcommands.Add(DoctorCommand.Create(services));
        root.Subcommands.Add(ConfigCommand.Create(services));
        root.Subcommands.Add(CompletionCommand.Create(services));
        root.WithExamples("knn run", "knn prepare && knn upload && knn train && knn deploy && knn predict && knn cleanup");
        Examples.AddToHelp(root);
        return root;
    }

    /// <summary>What `knn --version` prints, as System.CommandLine's version option would: the informational version (0.1.0+commit).</summary>
    public static string Version { get; } = typeof(KnnApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";

    /// <summary>Parses and runs; a command-line mistake is reported by <see cref="UsageErrors"/> (exit 2) and runs nothing.</summary>
    public static async Task<int> RunAsync(string[] args, KnnServices services, CancellationToken cancellationToken = default)
    {
        // `knn --version` answers before the command tree is built: building it is a fifth of the process's start-up.
        if (args is ["--version"])
        {
            await services.Output.WriteLineAsync(Version);
            return 0;
        }
        var result = Build(services).Parse(args);
        if (result.Action is ParseErrorAction) return UsageErrors.Report(result, services.Error);
        return await result.InvokeAsync(new InvocationConfiguration { Output = services.Output, Error = services.Error }, cancellationToken);
    }
}
