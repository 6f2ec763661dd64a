using System.CommandLine;
using KnnCli.Core.Workflow;
using KnnCli.Output;

namespace KnnCli.Commands;

/// <summary>knn logs: print a training job's container log (default: the last train's job).</summary>
public static class LogsCommand
{
    public const string Name = "logs";
    public const string Description = "Print a training job's log (CloudWatch Logs on sagemaker, .knn/jobs/ on local)";

    public static Command Create(KnnServices services)
    {
        var command = new Command(Name, Description);
        command.Options.Add(WaitCommand.JobName);
        command.SetVerbAction(services, async (parse, verb, ct) =>
        {
            var result = await new LogsWorkflow(verb.Workflow).RunAsync(parse.GetValue(WaitCommand.JobName), ct);
            verb.Results.Write(result, CliJsonContext.Default.LogsResult, output =>
            {
                foreach (var line in result.Lines) output.WriteLine(line);
            });
        });
        return command.WithExamples("knn logs", "knn logs --target sagemaker --job-name knn-2026-12-03-07-00-00-000");
    }
}
