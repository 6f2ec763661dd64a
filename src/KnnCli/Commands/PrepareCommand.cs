using System.CommandLine;
using KnnCli.Core.Workflow;
using KnnCli.Output;

namespace KnnCli.Commands;

/// <summary>knn prepare: CSV → label-first, header-less train/test files and a label map.</summary>
public static class PrepareCommand
{
    public static readonly Option<string?> Input = new("--input") { Description = "CSV path or http(s) URL (default: the bundled Iris sample)" };
    public static readonly Option<string?> Label = new("--label") { Description = "Label column (default: Species when present, else the last column)" };
    public static readonly Option<double> TestFraction = new("--test-fraction") { Description = "Share of rows held out for testing", DefaultValueFactory = _ => 0.25 };
    public static readonly Option<long> Seed = new("--seed") { Description = "Shuffle seed (NumPy RandomState, as train_test_split)", DefaultValueFactory = _ => 0 };
    public static readonly Option<string?> Out = new("--out") { Description = "Output folder (default: .knn/data)" };

    /// <summary>This verb's own options (knn run takes them too).</summary>
    public static IReadOnlyList<Option> Options => [Input, Label, TestFraction, Seed, Out];

    public static Command Create(KnnServices services)
    {
        var command = new Command("prepare", "Prepare a CSV data set: label first, classes as integers, train/test split");
        foreach (var option in Options) command.Options.Add(option);
        command.SetVerbAction(services, async (parse, verb, ct) =>
        {
            var result = await new PrepareWorkflow(verb.Workflow).RunAsync(Read(parse), ct);
            verb.Results.Write(result, CliJsonContext.Default.PrepareResult, output => Print(output, result));
        });
        return command;
    }

    public static PrepareOptions Read(ParseResult parse) => new()
    {
        Input = parse.GetValue(Input),
        Label = parse.GetValue(Label),
        TestFraction = parse.GetValue(TestFraction),
        Seed = parse.GetValue(Seed),
        OutDirectory = parse.GetValue(Out),
    };

    public static void Print(KnnConsole output, PrepareResult result)
    {
        output.WriteLine($"Label column: {result.LabelColumn}; features: {string.Join(", ", result.FeatureColumns)}");
        if (result.Classes is { } classes) output.WriteLine($"Classes: {string.Join(", ", classes.Select((c, i) => $"{c}={i}"))}");
        output.WriteLine($"Train: {result.TrainRows} rows → {result.TrainFile}");
        output.WriteLine($"Test:  {result.TestRows} rows → {result.TestFile}");
        if (result.LabelMapFile is not null) output.WriteLine($"Label map: {result.LabelMapFile}");
    }
}
