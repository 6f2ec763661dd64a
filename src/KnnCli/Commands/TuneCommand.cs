using System.CommandLine;
using System.Globalization;
using KnnCli.Core.Errors;
using KnnCli.Core.Workflow;
using KnnCli.Output;
using KnnCli.Output.Plots;

namespace KnnCli.Commands;

/// <summary>knn tune: k-fold cross-validation over candidate k values (and index types and metrics).</summary>
public static class TuneCommand
{
    public static readonly Option<string?> Input = new("--input") { Description = "Label-first, header-less CSV (default: the prepared train file)" };
    public static readonly Option<string> K = new("--k") { Description = "Candidate k values: a list (1,3,5,7) or a range (1..20)", DefaultValueFactory = _ => "1,3,5,7" };
    public static readonly Option<int> Folds = new("--folds") { Description = "Folds of k-fold cross-validation", DefaultValueFactory = _ => 5 };
    public static readonly Option<bool> Stratify = new("--stratify") { Description = "Keep each class's share in every fold (StratifiedKFold)" };
    public static readonly Option<long> Seed = new("--seed") { Description = "Shuffle seed (scikit-learn's random_state)", DefaultValueFactory = _ => 0 };
    public static readonly Option<string> IndexType = new("--index-type") { Description = "Candidate index types, comma-separated (faiss.Flat, faiss.IVFFlat, faiss.IVFPQ)", DefaultValueFactory = _ => "faiss.Flat" };
    public static readonly Option<string> IndexMetric = new("--index-metric") { Description = "Candidate metrics, comma-separated (L2, INNER_PRODUCT, COSINE)", DefaultValueFactory = _ => "L2" };
    public static readonly Option<string?> PredictorType = new("--predictor-type") { Description = "classifier or regressor (default: the last training's, else classifier)" };
    public static readonly Option<string?> Plot = new("--plot") { Description = "Also draw accuracy (a regressor: MSE) ± std against k as this PNG file (local target)" };

    public static Command Create(KnnServices services)
    {
        var command = new Command("tune", "Cross-validate candidate hyperparameters and name the best (mean and std of accuracy and macro F1, or MSE)");
        foreach (var option in new Option[] { Input, K, Folds, Stratify, Seed, IndexType, IndexMetric, PredictorType, Plot })
            command.Options.Add(option);
        command.SetVerbAction(services, async (parse, verb, ct) =>
        {
            var plot = CheckPlot(parse, verb);
            var result = await new TuneWorkflow(verb.Workflow).RunAsync(Read(parse), ct);
            result = result with { Plot = await PlotFile.DrawAsync(plot, verb.Workflow, $"{ScoreName(result)} against k", path => WritePlotAsync(path, result, ct)) };
            verb.Results.Write(result, CliJsonContext.Default.TuneResult, output => Print(output, result));
        });
        return command;
    }

    public static TuneOptions Read(ParseResult parse)
    {
        var seed = parse.GetValue(Seed);
        if (seed is < 0 or > uint.MaxValue) throw new InputException($"--seed {seed}: expected 0 to {uint.MaxValue}.");
        return new TuneOptions
        {
            Input = parse.GetValue(Input),
            K = ParseIntegers(parse.GetValue(K)!, "--k"),
            Folds = parse.GetValue(Folds),
            Stratify = parse.GetValue(Stratify),
            Seed = (uint)seed,
            IndexTypes = SplitList(parse.GetValue(IndexType)!),
            IndexMetrics = SplitList(parse.GetValue(IndexMetric)!),
            PredictorType = parse.GetValue(PredictorType),
        };
    }

    /// <summary>"1,3,5,7" or "1..20" (inclusive), or both mixed: "1..5,7,9".</summary>
    public static IReadOnlyList<int> ParseIntegers(string text, string option)
    {
        var values = new List<int>();
        foreach (var part in SplitList(text))
        {
            var range = part.Split("..");
            if (range.Length == 2 && int.TryParse(range[0], CultureInfo.InvariantCulture, out var from) && int.TryParse(range[1], CultureInfo.InvariantCulture, out var to) && from <= to)
                values.AddRange(Enumerable.Range(from, to - from + 1));
            else if (int.TryParse(part, CultureInfo.InvariantCulture, out var value))
                values.Add(value);
            else
                throw new InputException($"{option} {text}: expected whole numbers separated by commas (1,3,5) or a range (1..20).");
        }
        return values.Distinct().ToArray();
    }

    private static string[] SplitList(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static void Print(KnnConsole output, TuneResult result)
    {
        var regressor = result.PredictorType == "regressor";
        string[] header = regressor ? ["k", "index_type", "index_metric", "MSE mean", "MSE std"] : ["k", "index_type", "index_metric", "accuracy mean", "accuracy std", "macro F1 mean", "macro F1 std"];
        var rows = result.Candidates.Select(c => regressor
            ? new[] { Integer(c.K), c.IndexType, c.IndexMetric, Score(c.MseMean), Score(c.MseStd) }
            : [Integer(c.K), c.IndexType, c.IndexMetric, Score(c.AccuracyMean), Score(c.AccuracyStd), Score(c.MacroF1Mean), Score(c.MacroF1Std)]).ToArray();
        output.WriteLine($"{result.Folds}-fold {(result.Stratify ? "stratified " : "")}cross-validation on {result.Rows} rows of {result.Input} (seed {result.Seed})");
        output.Table(header, rows);
        var best = result.Best;
        output.WriteLine(regressor
            ? $"Best: k={best.K}, {best.IndexType}, {best.IndexMetric}: MSE {Score(best.MseMean)} ± {Score(best.MseStd)}"
            : $"Best: k={best.K}, {best.IndexType}, {best.IndexMetric}: accuracy {Score(best.AccuracyMean)} ± {Score(best.AccuracyStd)}, macro F1 {Score(best.MacroF1Mean)} ± {Score(best.MacroF1Std)}");
    }

    /// <summary>--plot draws the folds' mean ± std, which only the local cross-validation has.</summary>
    private static string? CheckPlot(ParseResult parse, VerbContext verb)
    {
        var plot = PlotFile.Check(parse.GetValue(Plot));
        if (plot is not null && verb.Workflow.Settings.Target == "sagemaker")
            throw new InputException("--plot draws the local cross-validation (mean ± std over the folds); a tuning job has one score per training job: run `knn tune --plot` on the local target.");
        return plot;
    }

    private static string ScoreName(TuneResult result) => result.PredictorType == "regressor" ? "MSE" : "accuracy";

    /// <summary>One curve per index type and metric, k in the order tried.</summary>
    private static Task WritePlotAsync(string path, TuneResult result, CancellationToken cancellationToken)
    {
        var regressor = result.PredictorType == "regressor";
        var curves = result.Candidates.GroupBy(c => (c.IndexType, c.IndexMetric))
            .Select(g => new PlotFile.ScoreCurve($"{g.Key.IndexType}, {g.Key.IndexMetric}", [.. g.Select(c => (double)c.K)],
                [.. g.Select(c => (regressor ? c.MseMean : c.AccuracyMean)!.Value)], [.. g.Select(c => (regressor ? c.MseStd : c.AccuracyStd)!.Value)]))
            .ToArray();
        var best = (result.Best.K, (regressor ? result.Best.MseMean : result.Best.AccuracyMean)!.Value);
        return PlotFile.WriteScoreCurveAsync(path, ScoreName(result), curves, best, cancellationToken);
    }

    private static string Integer(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Score(double? value) => value?.ToString("F4", CultureInfo.InvariantCulture) ?? "";
}
