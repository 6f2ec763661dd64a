using System.CommandLine;
using KnnCli.Core.Workflow;
using KnnCli.Output;

namespace KnnCli.Commands;

/// <summary>knn wait: attach to a training job (default: the last train's), stream its log until it ends, record its model.</summary>
public static class WaitCommand
{
    public const string Name = "wait";
    public const string Description = "Wait for a training job to end (e.g. after train --no-wait), then record its model and metrics";

    public static readonly Option<string?> JobName = new("--job-name") { Description = "Training job to attach to (default: the one knn train last started here)" };

    public static Command Create(KnnServices services)
    {
        var command = new Command(Name, Description);
        command.Options.Add(JobName);
        command.SetVerbAction(services, async (parse, verb, ct) =>
        {
            var result = await new WaitWorkflow(verb.Workflow).RunAsync(parse.GetValue(JobName), ct);
            verb.Results.Write(result, CliJsonContext.Default.TrainResult, output => TrainCommand.Print(output, result));
        });
        return command.WithExamples("knn wait", "knn wait --target sagemaker --job-name knn-2026-12-03-07-00-00-000");
    }
}
