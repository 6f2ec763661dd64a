using System.CommandLine;
using KnnCli.Core.Workflow;
using KnnCli.Output;

namespace KnnCli.Commands;

/// <summary>knn transform: offline batch inference over a file with a model.tar.gz (like SageMaker Batch Transform).</summary>
public static class TransformCommand
{
    public const string Name = "transform";
    public const string Description = "Batch inference over a file with a model.tar.gz: in process on local, a Batch Transform job on sagemaker";

    public static readonly Option<string?> Model = new("--model") { Description = "model.tar.gz: a local file or s3:// URI (default: from knn train)" };
    public static readonly Option<string> Input = new("--input") { Description = "CSV of feature rows; a first column of labels turns on scoring", Required = true };
    public static readonly Option<string> OutputFile = new("--output") { Description = "Predictions FILE: .jsonl (JSON Lines) or .csv", Required = true };
    public static readonly Option<bool> Neighbors = new("--neighbors") { Description = "Verbose JSON Lines: each neighbour's label and distance" };
    public static readonly Option<bool> JoinInput = new("--join-input") { Description = "Each input row followed by its prediction (Batch Transform's JoinSource Input)" };
    public static readonly Option<int> BatchSize = new("--batch-size") { Description = "Rows searched at once in process (bounds memory)", DefaultValueFactory = _ => 5000 };
    public static readonly Option<string?> JobName = new("--job-name") { Description = "sagemaker: transform job name (default: knn-transform-<timestamp>)" };
    public static readonly Option<string?> InstanceType = new("--instance-type") { Description = "sagemaker: transform instance type (default: ml.m5.large)" };
    public static readonly Option<int?> InstanceCount = new("--instance-count") { Description = "sagemaker: transform instance count (default: 1)" };

    public static Command Create(KnnServices services)
    {
        var command = new Command(Name, Description);
        foreach (var option in new Option[] { Model, Input, InputFileOptions.Header, InputFileOptions.Label, OutputFile, Neighbors, JoinInput, BatchSize, JobName, InstanceType, InstanceCount })
            command.Options.Add(option);
        command.SetVerbAction(services, async (parse, verb, ct) =>
        {
            var result = await new TransformWorkflow(verb.Workflow).RunAsync(new TransformOptions
            {
                Model = parse.GetValue(Model),
                Input = parse.GetValue(Input)!,
                Header = parse.GetValue(InputFileOptions.Header),
                Label = parse.GetValue(InputFileOptions.Label),
                Output = parse.GetValue(OutputFile)!,
                Neighbors = parse.GetValue(Neighbors),
                JoinInput = parse.GetValue(JoinInput),
                BatchSize = parse.GetValue(BatchSize),
                JobName = parse.GetValue(JobName),
                InstanceType = parse.GetValue(InstanceType),
                InstanceCount = parse.GetValue(InstanceCount),
            }, ct);
            verb.Results.Write(result, CliJsonContext.Default.TransformResult, output =>
            {
                if (verb.Workflow.Settings.DryRun) output.WriteLine($"would write predictions for {result.Input} to {result.Output} ({result.Format})");
                else Print(output, result);
            });
        });
        return command.WithExamples("knn transform --input .knn/data/iris_test.csv --output predictions.jsonl", "knn transform --target sagemaker --input rows.csv --output predictions.csv --instance-count 2");
    }

    public static void Print(KnnConsole output, TransformResult result)
    {
        if (result.TransformJobName is { } job) output.WriteLine($"Transform job {job}: Completed");
        output.WriteLine($"Wrote {result.Rows:N0} predictions to {result.Output} ({result.Format}) in {result.Seconds:F2} s ({result.RowsPerSecond:N0} rows/s)");
        if (result.Accuracy is { } accuracy) output.WriteLine($"Accuracy: {accuracy:F4}");
        if (result.MeanSquaredError is { } mse) output.WriteLine($"MSE: {mse:G6}");
    }
}
