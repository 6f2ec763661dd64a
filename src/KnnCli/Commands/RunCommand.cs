using System.CommandLine;
using KnnCli.Core.Workflow;
using KnnCli.Output;

namespace KnnCli.Commands;

/// <summary>knn run: the whole workflow in one command, with the reference notebook's defaults.</summary>
public static class RunCommand
{
    public static readonly Option<bool> KeepEndpoint = new("--keep-endpoint") { Description = "Leave the endpoint running at the end (clean up later with knn cleanup)" };

    public static Command Create(KnnServices services)
    {
        var command = new Command("run", "Run prepare, upload, train, deploy, predict and cleanup in one go (bundled Iris sample by default)");
        foreach (var option in new Option[] { PrepareCommand.Input, PrepareCommand.Label, PrepareCommand.TestFraction, PrepareCommand.Seed, KeepEndpoint })
            command.Options.Add(option);
        command.SetVerbAction(services, async (parse, verb, ct) =>
        {
            var options = new RunOptions { Prepare = PrepareCommand.Read(parse), KeepEndpoint = parse.GetValue(KeepEndpoint) };
            var result = await new RunWorkflow(verb.Workflow).RunAsync(options, ct);
            verb.Results.Write(result, CliJsonContext.Default.RunResult, output => Print(output, result));
        });
        return command;
    }

    private static void Print(KnnConsole output, RunResult result)
    {
        PrepareCommand.Print(output, result.Prepare);
        output.WriteLine();
        TrainCommand.Print(output, result.Train);
        DeployCommand.Print(output, result.Deploy);
        output.WriteLine();
        PredictReport.Write(output, result.Predict);
        if (result.Cleanup is { } cleanup)
        {
            output.WriteLine();
            CleanupCommand.Print(output, cleanup);
        }
    }
}
