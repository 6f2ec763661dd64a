using System.CommandLine;
using KnnCli.Core.Workflow;
using KnnCli.Output;
using KnnCli.Output.Plots;
using System.Globalization;

namespace KnnCli.Commands;

/// <summary>knn prepare: CSV → label-first, header-less train/test files and a label map.</summary>
public static class PrepareCommand
{
    public const string Name = "prepare";
    public const string Description = "Prepare a CSV data set: label first, classes as integers, train/test split";

    public static readonly Option<string?> Input = new("--input") { Description = "CSV path or http(s) URL (default: the bundled Iris sample)" };
    public static readonly Option<string?> Label = new("--label") { Description = "Label column (default: Species when present, else the last column)" };
    public static readonly Option<double> TestFraction = new("--test-fraction") { Description = "Share of rows held out for testing", DefaultValueFactory = _ => 0.25 };
    public static readonly Option<long> Seed = new("--seed") { Description = "Shuffle seed (NumPy RandomState, as train_test_split)", DefaultValueFactory = _ => 0 };
    public static readonly Option<string?> Out = new("--out") { Description = "Output folder (default: .knn/data)" };
    public static readonly Option<string?> Plot = new("--plot") { Description = "Also draw the scatter matrix of the features, coloured by class, as this PNG file" };

    /// <summary>This verb's own options (knn run takes them too).</summary>
    public static IReadOnlyList<Option> Options => [Input, Label, TestFraction, Seed, Out, Plot];

    public static Command Create(KnnServices services)
    {
        var command = new Command(Name, Description);
        foreach (var option in Options) command.Options.Add(option);
        command.SetVerbAction(services, async (parse, verb, ct) =>
        {
            var plot = PlotFile.Check(parse.GetValue(Plot));
            var result = await new PrepareWorkflow(verb.Workflow).RunAsync(Read(parse), ct);
            await PlotFile.DrawAsync(plot, verb.Workflow, "scatter matrix", path => WriteScatterMatrixAsync(path, result, ct));
            verb.Results.Write(result, CliJsonContext.Default.PrepareResult, output => Print(output, result));
        });
        return command.WithExamples("knn prepare", "knn prepare --input iris.csv --label Species --test-fraction 0.2 --plot matrix.png");
    }

    public static PrepareOptions Read(ParseResult parse) => new()
    {
        Input = parse.GetValue(Input),
        Label = parse.GetValue(Label),
        TestFraction = parse.GetValue(TestFraction),
        Seed = parse.GetValue(Seed),
        OutDirectory = parse.GetValue(Out),
    };

    /// <summary>Draws every prepared row (train and test), as the notebook's scatter_matrix of the whole data set.</summary>
    internal static async Task WriteScatterMatrixAsync(string path, PrepareResult result, CancellationToken ct)
    {
        var lines = (await File.ReadAllLinesAsync(result.TrainFile, ct)).Concat(await File.ReadAllLinesAsync(result.TestFile, ct)).Where(l => l.Length > 0);
        var values = lines.Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();
        // A regressor has no classes: every point gets the first colour.
        var classNames = result.Classes ?? [result.LabelColumn];
        var classes = values.Select(v => result.Classes is null ? 0 : (int)v[0]).ToList();
        await PlotFile.WriteScatterMatrixAsync(path, result.FeatureColumns, values.Select(v => v[1..]).ToList(), classes, classNames, ct);
    }

    public static void Print(KnnConsole output, PrepareResult result)
    {
        output.WriteLine($"Label column: {result.LabelColumn}; features: {string.Join(", ", result.FeatureColumns)}");
        if (result.Classes is { } classes) output.WriteLine($"Classes: {string.Join(", ", classes.Select((c, i) => $"{c}={i}"))}");
        output.WriteLine($"Train: {result.TrainRows} rows → {result.TrainFile}");
        output.WriteLine($"Test:  {result.TestRows} rows → {result.TestFile}");
        if (result.LabelMapFile is not null) output.WriteLine($"Label map: {result.LabelMapFile}");
    }
}
