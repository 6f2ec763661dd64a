using System.CommandLine;
using KnnCli.Core.Targets;
using KnnCli.Core.Workflow;
using KnnCli.Output;
using Spectre.Console;

namespace KnnCli.Commands;

/// <summary>knn doctor: one line per check with its mark and, unless it passed, its fix; exit 0 only when nothing failed.</summary>
public static class DoctorCommand
{
    public const string Name = "doctor";
    public const string Description = "Check credentials, region, identity, bucket, role, SageMaker, the k-NN image and running endpoints";

    public static Command Create(KnnServices services)
    {
        var command = new Command(Name, Description);
        command.SetVerbAction(services, async (_, verb, ct) =>
        {
            var result = await new DoctorWorkflow(verb.Workflow).RunAsync(ct);
            verb.Results.Write(result, CliJsonContext.Default.DoctorResult, output => Print(output, result));
            if (!result.Passed) throw result.Failure();
        });
        return command.WithExamples("knn doctor", "knn doctor --target sagemaker --region eu-west-1");
    }

    private static void Print(KnnConsole output, DoctorResult result)
    {
        var width = result.Checks.Max(c => c.Name.Length);
        foreach (var check in result.Checks)
        {
            var (mark, colour) = check.Status switch
            {
                CheckStatus.Pass => ("PASS", "green"),
                CheckStatus.Warn => ("WARN", "yellow"),
                CheckStatus.Fail => ("FAIL", "red"),
                _ => ("SKIP", "grey"),
            };
            var fix = check.Fix is null ? "" : $" [bold]fix:[/] {Markup.Escape(check.Fix)}";
            output.MarkupLine($"[{colour}]{mark}[/] {Markup.Escape(check.Name.PadRight(width))}  {Markup.Escape(check.Detail)}{(check.Fix is null ? "" : ".")}{fix}");
        }
    }
}
