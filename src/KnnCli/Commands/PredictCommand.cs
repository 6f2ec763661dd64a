using System.CommandLine;
using System.Globalization;
using System.Text;
using KnnCli.Core.Errors;
using KnnCli.Core.IO;
using KnnCli.Core.Workflow;
using KnnCli.Output;
using KnnCli.Output.Plots;

namespace KnnCli.Commands;

/// <summary>knn predict: rows to the endpoint, predictions back; scored when the rows carry labels.</summary>
public static class PredictCommand
{
    public const string Name = "predict";
    public const string Description = "Get predictions from the endpoint; with labelled rows, print the validation report";

    public static readonly Option<string?> EndpointName = new("--endpoint-name") { Description = "Endpoint (default: from knn deploy)" };
    public static readonly Option<string?> Input = new("--input") { Description = "CSV of rows; a first column of labels turns on validation (default: the prepared test file)" };
    public static readonly Option<string[]> Rows = new("--rows") { Description = "Feature rows inline, e.g. \"5.1,3.5,1.4,0.2\" (repeatable; ';' separates rows)" };
    public static readonly Option<string> ContentType = new Option<string>("--content-type") { Description = "Request type: text/csv, application/json, application/jsonlines or application/x-recordio-protobuf", DefaultValueFactory = _ => InferencePayloads.Csv }.Suggesting(InferencePayloads.Csv, InferencePayloads.Json, InferencePayloads.JsonLines, InferencePayloads.RecordIo);
    public static readonly Option<string> Accept = new Option<string>("--accept") { Description = "Response type: application/json, application/jsonlines or application/x-recordio-protobuf", DefaultValueFactory = _ => InferencePayloads.Json }.Suggesting(InferencePayloads.Json, InferencePayloads.JsonLines, InferencePayloads.RecordIo);
    public static readonly Option<bool> Neighbors = new("--neighbors") { Description = "Verbose responses: each neighbour's label and distance" };
    public static readonly Option<int> BatchSize = new("--batch-size") { Description = "Rows per request (kept under the payload limit: 6 MB, 4 MB for serverless endpoints)", DefaultValueFactory = _ => 5000 };
    public static readonly Option<int> Parallel = new("--parallel") { Description = "Requests in flight at once", DefaultValueFactory = _ => 4 };
    public static readonly Option<string?> OutputFile = new("--output") { Description = "Write predictions to FILE (.csv, or .jsonl for JSON Lines)" };
    public static readonly Option<string?> Plot = new("--plot") { Description = "Also draw the confusion matrix of labelled rows (class names, counts) as this PNG file" };

    /// <summary>This verb's own options (knn run takes them too, bar the endpoint and the input it gets from earlier steps).</summary>
    public static IReadOnlyList<Option> Options => [EndpointName, Input, InputFileOptions.Header, InputFileOptions.Label, Rows, ContentType, Accept, Neighbors, BatchSize, Parallel, OutputFile];

    public static Command Create(KnnServices services)
    {
        var command = new Command(Name, Description);
        // --plot is not in Options: in knn run, --plot is prepare's.
        foreach (var option in Options.Append(Plot)) command.Options.Add(option);
        command.SetVerbAction(services, async (parse, verb, ct) =>
        {
            var plot = PlotFile.Check(parse.GetValue(Plot));
            var result = await new PredictWorkflow(verb.Workflow).RunAsync(Read(parse) with { ConfusionMatrixFor = plot is null ? null : "--plot" }, ct);
            await WriteOutputAsync(parse, result, verb, ct);
            result = result with { Plot = await PlotFile.DrawAsync(plot, verb.Workflow, "confusion matrix", path => WriteConfusionMatrixAsync(path, result, ct)) };
            if (verb.Workflow.Settings.DryRun)
            {
                verb.Results.Write(result, CliJsonContext.Default.PredictResult, _ => { }); // the plan is in the log lines
                return;
            }
            verb.Results.Write(result, CliJsonContext.Default.PredictResult, output => PredictReport.Write(output, result));
        });
        return command.WithExamples("knn predict --rows 5.1,3.5,1.4,0.2", "knn predict --input .knn/data/iris_test.csv --plot confusion.png");
    }

    public static PredictOptions Read(ParseResult parse) => new()
    {
        EndpointName = parse.GetValue(EndpointName),
        Input = parse.GetValue(Input),
        Header = parse.GetValue(InputFileOptions.Header),
        Label = parse.GetValue(InputFileOptions.Label),
        Rows = parse.GetValue(Rows) ?? [],
        ContentType = parse.GetValue(ContentType)!,
        Accept = parse.GetValue(Accept)!,
        Neighbors = parse.GetValue(Neighbors),
        BatchSize = parse.GetValue(BatchSize),
        Parallel = parse.GetValue(Parallel),
    };

    /// <summary>Writes the predictions to the --output file when one is given.</summary>
    public static async Task WriteOutputAsync(ParseResult parse, PredictResult result, VerbContext verb, CancellationToken cancellationToken)
    {
        if (parse.GetValue(OutputFile) is not { } file) return;
        if (verb.Workflow.Settings.DryRun)
        {
            verb.Workflow.Log.Info($"would write the predictions to {file}");
            return;
        }
        await WriteFileAsync(file, result, cancellationToken);
        verb.Workflow.Log.Info($"Wrote {result.Rows.Count:N0} predictions to {file}");
    }

    private static Task WriteConfusionMatrixAsync(string path, PredictResult result, CancellationToken cancellationToken)
    {
        var report = result.Classification!; // the workflow refused --plot without one
        return PlotFile.WriteConfusionMatrixAsync(path, report.ConfusionMatrix, report.Classes.Select(c => PredictReport.Name(result, c)).ToArray(), cancellationToken);
    }

    /// <summary>Predictions as JSON Lines (SageMaker's response lines) or CSV (label, features, prediction; class names when known).</summary>
    private static Task WriteFileAsync(string path, PredictResult result, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var jsonLines = PredictionFile.IsJsonLines(path);
        foreach (var row in result.Rows)
        {
            if (jsonLines)
            {
                PredictionFile.AppendJsonLine(text, Number(row.Prediction), row.NeighborDistances?.Select(Number), row.NeighborLabels?.Select(Number)).Append('\n');
            }
            else
            {
                if (row.Label is { } label) text.Append(row.LabelClass ?? Number(label)).Append(',');
                text.AppendJoin(',', row.Features.Select(Core.Data.PythonNumberFormat.Format)).Append(',').Append(row.PredictedClass ?? Number(row.Prediction)).Append('\n');
            }
        }
        return AtomicFile.WriteAllTextAsync(path, text.ToString(), cancellationToken);
    }

    private static string Number(double value) => Core.Data.PythonNumberFormat.Format(value);
}
