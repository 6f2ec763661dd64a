using System.CommandLine;
using System.Globalization;
using KnnCli.Core.Workflow;
using KnnCli.Engine.ModelFiles;
using KnnCli.Output;

namespace KnnCli.Commands;

/// <summary>knn model inspect | set | pull: look into a model.tar.gz, edit its metadata, fetch the trained one.</summary>
public static class ModelCommand
{
    public const string Name = "model";
    public const string Description = "Inspect a model artifact, change its k or predictor type, or download the trained one";

    public static readonly Argument<string> InspectPath = new("model") { Description = "model.tar.gz, or a folder with the extracted model_algo-1 files" };
    public static readonly Argument<string> SetPath = new("model") { Description = "model.tar.gz to edit in place" };
    public static readonly Option<int?> K = new("--k") { Description = "Neighbours each prediction uses" };
    public static readonly Option<string?> PredictorType = new Option<string?>("--predictor-type") { Description = "classifier or regressor" }.Suggesting(Engine.KnnHyperparameters.PredictorTypeNames);
    public static readonly Option<string?> Output = new("--output", "-o") { Description = $"Where to save the artifact (default: ./{ModelWorkflow.DefaultPullPath})" };

    public static Command Create(KnnServices services)
    {
        var command = new Command(Name, Description);
        command.Subcommands.Add(CreateInspect(services));
        command.Subcommands.Add(CreateSet(services));
        command.Subcommands.Add(CreatePull(services));
        return command.WithExamples("knn model inspect model.tar.gz", "knn model pull --output model.tar.gz");
    }

    private static Command CreateInspect(KnnServices services)
    {
        var command = new Command("inspect", "Show a model's index type, dimensions, vector count, metric, k, predictor type and labels");
        command.Arguments.Add(InspectPath);
        command.SetVerbAction(services, async (parse, verb, ct) =>
        {
            var result = await new ModelWorkflow(verb.Workflow).InspectAsync(parse.GetValue(InspectPath)!, ct);
            verb.Results.Write(result, CliJsonContext.Default.ModelInspectResult, output => Print(output, result.Path, result.Model));
        });
        return command.WithExamples("knn model inspect model.tar.gz", "knn model inspect model.tar.gz --json");
    }

    private static Command CreateSet(KnnServices services)
    {
        var command = new Command("set", "Change k or the predictor type in a model.tar.gz without retraining (the file is rewritten atomically)");
        command.Arguments.Add(SetPath);
        command.Options.Add(K);
        command.Options.Add(PredictorType);
        command.SetVerbAction(services, async (parse, verb, ct) =>
        {
            var result = await new ModelWorkflow(verb.Workflow).SetAsync(parse.GetValue(SetPath)!, parse.GetValue(K), parse.GetValue(PredictorType), ct);
            verb.Results.Write(result, CliJsonContext.Default.ModelSetResult,
                output => output.WriteLine($"{result.Path}: k = {result.K}, predictor_type = {result.PredictorType}"));
        });
        return command.WithExamples("knn model set model.tar.gz --k 5", "knn model set model.tar.gz --predictor-type regressor");
    }

    private static Command CreatePull(KnnServices services)
    {
        var command = new Command("pull", "Download the trained model artifact so `knn serve --model` can serve it locally");
        command.Options.Add(Output);
        command.SetVerbAction(services, async (parse, verb, ct) =>
        {
            var result = await new ModelWorkflow(verb.Workflow).PullAsync(parse.GetValue(Output), ct);
            verb.Results.Write(result, CliJsonContext.Default.ModelPullResult, output =>
            {
                output.WriteLine($"Downloaded {result.Source} ({result.Bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes)");
                Print(output, result.Path, result.Model);
                output.WriteLine();
                output.WriteLine($"Serve it with: knn serve --model {result.Path}");
            });
        });
        return command.WithExamples("knn model pull", "knn model pull --target sagemaker --output model.tar.gz");
    }

    private static void Print(KnnConsole output, string path, ModelSummary model)
    {
        output.WriteLine($"Model:           {path}");
        output.WriteLine($"Index:           {model.IndexType}");
        output.WriteLine($"Dimension:       {model.FeatureDimension}{(model.IndexDimension == model.FeatureDimension ? "" : $" (searched in {model.IndexDimension})")}");
        output.WriteLine($"Vectors:         {model.VectorCount}");
        output.WriteLine($"Metric:          {model.Metric}");
        output.WriteLine($"k:               {model.K}");
        output.WriteLine($"Predictor type:  {model.PredictorType}");
        if (model.DimensionReduction is { } reduction)
            output.WriteLine($"Reduction:       {reduction.Type} {reduction.InputDim} → {reduction.TargetDim} (seed {reduction.Seed})");
        output.WriteLine($"Version:         {model.Version}");
        output.WriteLine();
        output.WriteLine(model.DistinctLabels > model.Labels.Count
            ? $"Labels ({model.DistinctLabels} distinct; the {model.Labels.Count} most frequent):"
            : $"Labels ({model.DistinctLabels} distinct):");
        output.Table(["label", "count", "share"], model.Labels.Select(l => new[]
        {
            l.Label.ToString(CultureInfo.InvariantCulture),
            l.Count.ToString(CultureInfo.InvariantCulture),
            (l.Count / (double)model.VectorCount).ToString("P1", CultureInfo.InvariantCulture),
        }).ToList());
    }
}
