using System.CommandLine;
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
        root.Subcommands.Add(DeployCommand.Create(services));
        root.Subcommands.Add(PredictCommand.Create(services));
        root.Subcommands.Add(CleanupCommand.Create(services));
        root.Subcommands.Add(RunCommand.Create(services));
        root.Subcommands.Add(StatusCommand.Create(services));
        root.Subcommands.Add(ServeCommand.Create(services));
        root.Subcommands.Add(ModelCommand.Create(services));
        root.Subcommands.Add(TransformCommand.Create(services));
        root.Subcommands.Add(TuneCommand.Create(services));
        return root;
    }

    public static Task<int> RunAsync(string[] args, KnnServices services, CancellationToken cancellationToken = default) =>
        Build(services).Parse(args).InvokeAsync(new InvocationConfiguration { Output = services.Output, Error = services.Error }, cancellationToken);
}
