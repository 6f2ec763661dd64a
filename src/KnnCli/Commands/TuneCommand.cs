using System.CommandLine;
using System.Globalization;
using KnnCli.Core.Errors;
using KnnCli.Core.Targets;
using KnnCli.Core.Workflow;
using KnnCli.Output;
using KnnCli.Output.Plots;

namespace KnnCli.Commands;

/// <summary>knn tune: k-fold cross-validation over candidate k values (and index types and metrics), or a SageMaker hyperparameter tuning job.</summary>
public static class TuneCommand
{
    public const string Name = "tune";
    public const string Description = "Choose hyperparameters: cross-validate candidates here (mean and std of accuracy and macro F1, or MSE), or run a SageMaker tuning job (--target sagemaker)";

    public static readonly Option<string?> Input = new("--input") { Description = "Label-first, header-less CSV (default: the prepared train file; local target)" };
    public static readonly Option<string> K = new("--k") { Description = "Candidate k values: a list (1,3,5,7) or a range (1..20)", DefaultValueFactory = _ => "1,3,5,7" };
    public static readonly Option<int?> Folds = new("--folds") { Description = "Folds of k-fold cross-validation (default: 5; local target)" };
    public static readonly Option<bool> Stratify = new("--stratify") { Description = "Keep each class's share in every fold (StratifiedKFold; local target)" };
    public static readonly Option<long?> Seed = new("--seed") { Description = "Shuffle seed (scikit-learn's random_state; default: 0; local target)" };
    public static readonly Option<string> IndexType = new Option<string>("--index-type") { Description = "Candidate index types, comma-separated (faiss.Flat, faiss.IVFFlat, faiss.IVFPQ)", DefaultValueFactory = _ => "faiss.Flat" }.Suggesting(Engine.KnnHyperparameters.IndexTypeNames);
    public static readonly Option<string> IndexMetric = new Option<string>("--index-metric") { Description = "Candidate metrics, comma-separated (L2, INNER_PRODUCT, COSINE)", DefaultValueFactory = _ => "L2" }.Suggesting(Engine.KnnHyperparameters.IndexMetricNames);
    public static readonly Option<string?> PredictorType = new Option<string?>("--predictor-type") { Description = "classifier or regressor (default: the last training's, else classifier)" }.Suggesting(Engine.KnnHyperparameters.PredictorTypeNames);
    public static readonly Option<string?> Plot = new("--plot") { Description = "Also draw accuracy (a regressor: MSE) ± std against k as this PNG file (local target)" };

    // The sagemaker target's hyperparameter tuning job; each training job takes train's --instance-type and --instance-count.
    public static readonly Option<string?> SampleSize = new("--sample-size") { Description = "Candidate sample_size values, a list or a range (sagemaker; default: 1000, untuned)" };
    public static readonly Option<int?> MaxJobs = new("--max-jobs") { Description = "Most training jobs the tuning job starts (sagemaker; required: the cost bound)" };
    public static readonly Option<int?> MaxParallelJobs = new("--max-parallel-jobs") { Description = "Training jobs at a time (sagemaker; default: 1)" };
    public static readonly Option<string?> Strategy = new Option<string?>("--strategy") { Description = "Bayesian (default), Random, Grid or Hyperband (sagemaker)" }.Suggesting("Bayesian", "Random", "Grid", "Hyperband");
    public static readonly Option<string?> JobName = new("--job-name") { Description = "Tuning job name (sagemaker; default: knn-tune-<timestamp>)" };
    public static readonly Option<bool> DeployBest = new("--deploy-best") { Description = "Deploy the best training job as knn deploy would (sagemaker)" };

    public static Command Create(KnnServices services)
    {
        var command = new Command(Name, Description);
        foreach (var option in new Option[]
                 {
                     Input, K, Folds, Stratify, Seed, IndexType, IndexMetric, PredictorType, Plot,
                     SampleSize, MaxJobs, MaxParallelJobs, Strategy, JobName, TrainCommand.InstanceType, TrainCommand.InstanceCount, DeployBest,
                 })
            command.Options.Add(option);
        command.SetVerbAction(services, async (parse, verb, ct) =>
        {
            var plot = CheckPlot(parse, verb);
            var outcome = await new TuneWorkflow(verb.Workflow).RunAsync(Read(parse), ct);
            if (outcome.TuningJob is { } job)
            {
                verb.Results.Write(job, CliJsonContext.Default.TuningJobResult, output => Print(output, job));
                return;
            }
            var result = outcome.CrossValidation!;
            result = result with { Plot = await PlotFile.DrawAsync(plot, verb.Workflow, $"{ScoreName(result)} against k", path => WritePlotAsync(path, result, ct)) };
            verb.Results.Write(result, CliJsonContext.Default.TuneResult, output => Print(output, result));
        });
        return command.WithExamples("knn tune --k 1..20 --folds 5 --stratify --plot k.png", "knn tune --target sagemaker --k 1..20 --max-jobs 10 --strategy Bayesian");
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
            Seed = (uint?)seed,
            IndexTypes = SplitList(parse.GetValue(IndexType)!),
            IndexMetrics = SplitList(parse.GetValue(IndexMetric)!),
            PredictorType = parse.GetValue(PredictorType),
            SampleSize = parse.GetValue(SampleSize) is { } sampleSize ? ParseIntegers(sampleSize, "--sample-size") : null,
            MaxJobs = parse.GetValue(MaxJobs),
            MaxParallelJobs = parse.GetValue(MaxParallelJobs),
            Strategy = parse.GetValue(Strategy),
            JobName = parse.GetValue(JobName),
            InstanceType = parse.GetValue(TrainCommand.InstanceType),
            InstanceCount = parse.GetValue(TrainCommand.InstanceCount),
            DeployBest = parse.GetValue(DeployBest),
        };
    }

    /// <summary>"1,3,5,7" or "1..20" (inclusive, kept as a range), or both mixed: "1..5,7,9" (expanded).</summary>
    public static IntegerCandidates ParseIntegers(string text, string option)
    {
        var parts = SplitList(text);
        if (parts.Length == 1 && Range(parts[0]) is var (min, max)) return IntegerCandidates.Between(min, max);
        var values = new List<int>();
        foreach (var part in parts)
        {
            if (Range(part) is var (from, to))
            {
                // Expanded only within a list: a long span belongs in a range of its own.
                if (to - from >= MaxListedValues) throw new InputException($"{option} {text}: give a long range ({from}..{to}) on its own, not inside a list.");
                values.AddRange(Enumerable.Range(from, to - from + 1));
            }
            else if (int.TryParse(part, CultureInfo.InvariantCulture, out var value))
                values.Add(value);
            else
                throw new InputException($"{option} {text}: expected whole numbers separated by commas (1,3,5) or a range (1..20).");
        }
        return [.. values.Distinct()];
    }

    private const int MaxListedValues = 10_000;

    private static (int From, int To)? Range(string part)
    {
        var range = part.Split("..");
        return range.Length == 2 && int.TryParse(range[0], CultureInfo.InvariantCulture, out var from) && int.TryParse(range[1], CultureInfo.InvariantCulture, out var to) && from <= to
            ? (from, to)
            : null;
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

    public static void Print(KnnConsole output, TuningJobResult result)
    {
        output.WriteLine($"Tuning job {result.TuningJobName}: {result.Status} ({result.Strategy}, {result.ObjectiveType.ToLowerInvariant()} {result.ObjectiveMetric}, "
            + $"{result.TrainingJobs.Count} of at most {result.MaxJobs} training jobs)");
        if (result.TrainingJobs.Count > 0)
        {
            output.Table(["training job", "status", "k", "sample_size", result.ObjectiveMetric],
                [.. result.TrainingJobs.Select(j => new[] { j.JobName, j.Status, Integer(j.K), Integer(j.SampleSize), Score(j.ObjectiveValue) })]);
        }
        if (result.Best is { } best)
            output.WriteLine($"Best: {best.JobName}: k={Integer(best.K)}, sample_size={Integer(best.SampleSize)}: {result.ObjectiveMetric} {Score(best.ObjectiveValue)}");
        if (result.Deploy is { } deploy) DeployCommand.Print(output, deploy);
    }

    private static string Integer(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";


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


    private static string Score(double? value) => value?.ToString("F4", CultureInfo.InvariantCulture) ?? "";
}
