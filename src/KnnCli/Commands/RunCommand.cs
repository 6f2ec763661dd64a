using System.CommandLine;
using KnnCli.Core.Workflow;
using KnnCli.Output;
using KnnCli.Output.Plots;

namespace KnnCli.Commands;

/// <summary>knn run: the whole workflow in one command, with the reference notebook's defaults.</summary>
public static class RunCommand
{
    public const string Name = "run";
    public const string Description = "Run prepare, upload, train, deploy, predict and cleanup in one go (bundled Iris sample by default)";

    public static readonly Option<bool> KeepEndpoint = new("--keep-endpoint") { Description = "Leave the endpoint running at the end (clean up later with knn cleanup)" };

    // train and deploy both have --instance-type and --instance-count; here each is named after its step.
    public static readonly Option<string?> TrainInstanceType = TrainCommand.InstanceTypeOption("--train-instance-type");
    public static readonly Option<int?> TrainInstanceCount = TrainCommand.InstanceCountOption("--train-instance-count");
    public static readonly Option<string?> DeployInstanceType = DeployCommand.InstanceTypeOption("--deploy-instance-type");
    public static readonly Option<int?> DeployInstanceCount = DeployCommand.InstanceCountOption("--deploy-instance-count");

    // deploy's --output (an async endpoint's results) and predict's --output (a file) differ; here deploy's is --async-output.
    public static readonly Option<string?> AsyncOutput = new("--async-output") { Description = DeployCommand.Output.Description };

    /// <summary>The verbs' options whose value an earlier step of run provides (channels, endpoint, rows to score), or that make no sense in one flow (predict's --plot: run's --plot is prepare's).</summary>
    public static IReadOnlyList<Option> FromEarlierSteps => [TrainCommand.Train, TrainCommand.Test, TrainCommand.NoWait, DeployCommand.ModelData, PredictCommand.EndpointName, PredictCommand.Input, InputFileOptions.Header, InputFileOptions.Label, PredictCommand.Plot];

    /// <summary>The verbs' options that run takes under its own name (see <see cref="Renamed"/>).</summary>
    public static IReadOnlyList<(Option Verb, Option Run)> Renamed =>
    [
        (TrainCommand.InstanceType, TrainInstanceType), (TrainCommand.InstanceCount, TrainInstanceCount),
        (DeployCommand.InstanceType, DeployInstanceType), (DeployCommand.InstanceCount, DeployInstanceCount),
        (DeployCommand.Output, AsyncOutput),
    ];

    /// <summary>Every option of the verbs run runs, shared with them (the same definitions), bar <see cref="FromEarlierSteps"/>.</summary>
    public static IReadOnlyList<Option> Options
    {
        get
        {
            var skipped = FromEarlierSteps.Concat(Renamed.Select(r => r.Verb)).ToHashSet();
            return
            [
                .. PrepareCommand.Options.Concat(TrainCommand.Options).Concat(DeployCommand.Options).Concat(PredictCommand.Options).Where(o => !skipped.Contains(o)),
                .. Renamed.Select(r => r.Run),
                KeepEndpoint,
            ];
        }
    }

    public static Command Create(KnnServices services)
    {
        var command = new Command(Name, Description);
        foreach (var option in Options) command.Options.Add(option);
        command.SetVerbAction(services, async (parse, verb, ct) =>
        {
            var plot = PlotFile.Check(parse.GetValue(PrepareCommand.Plot));
            // Each step's result is shown as the step ends; --json prints the one document at the end.
            var steps = verb.Results.Json ? null : new StepPrinter(verb.Results.Console);
            var result = await new RunWorkflow(verb.Workflow).RunAsync(Read(parse), steps, ct);
            await PlotFile.DrawAsync(plot, verb.Workflow, "scatter matrix", path => PrepareCommand.WriteScatterMatrixAsync(path, result.Prepare, ct));
            if (result.Predict is not null) await PredictCommand.WriteOutputAsync(parse, result.Predict, verb, ct);
            if (verb.Results.Json) verb.Results.Write(result, CliJsonContext.Default.RunResult, _ => { });
        });
        return command.WithExamples("knn run", "knn run --target sagemaker --k 5 --train-instance-type ml.m5.large --yes");
    }

    public static RunOptions Read(ParseResult parse) => new()
    {
        Prepare = PrepareCommand.Read(parse),
        Train = TrainCommand.Read(parse) with { InstanceType = parse.GetValue(TrainInstanceType), InstanceCount = parse.GetValue(TrainInstanceCount) },
        Deploy = DeployCommand.Read(parse) with { InstanceType = parse.GetValue(DeployInstanceType), InstanceCount = parse.GetValue(DeployInstanceCount), Output = parse.GetValue(AsyncOutput) },
        Predict = PredictCommand.Read(parse),
        KeepEndpoint = parse.GetValue(KeepEndpoint),
    };

    /// <summary>Prints each step's result as the step ends, as the verb itself would, a blank line between steps.</summary>
    private sealed class StepPrinter(KnnConsole output) : IRunSteps
    {
        public void Prepared(PrepareResult result) => PrepareCommand.Print(output, result);

        public void Uploaded(UploadResult result) { }

        public void Trained(TrainResult result)
        {
            output.WriteLine();
            TrainCommand.Print(output, result);
        }

        public void Deployed(DeployResult result) => DeployCommand.Print(output, result);

        public void Predicted(PredictResult result)
        {
            output.WriteLine();
            PredictReport.Write(output, result);
        }

        public void CleanedUp(CleanupResult result)
        {
            output.WriteLine();
            CleanupCommand.Print(output, result);
        }
    }
}
