using System.Globalization;
using KnnCli.Core.Data;
using KnnCli.Core.Errors;
using KnnCli.Engine;
using KnnCli.Engine.Training;

namespace KnnCli.Core.Workflow;

/// <summary>
/// k-fold cross-validation on this machine, as the reference notebook's model-evaluation section describes it: for
/// each fold, index the other folds' rows (all of them: sample_size = the fold's train rows) and score the fold.
/// One index per fold, index type and metric answers every k.
/// </summary>
public sealed class LocalTuning(WorkflowContext context)
{
    public const int DefaultFolds = 5;

    public async Task<TuneResult> RunAsync(TuneOptions options, CancellationToken cancellationToken)
    {
        TuneWorkflow.RefuseOptions(
            [("--sample-size", options.SampleSize is not null), ("--max-jobs", options.MaxJobs is not null), ("--max-parallel-jobs", options.MaxParallelJobs is not null),
             ("--strategy", options.Strategy is not null), ("--job-name", options.JobName is not null), ("--instance-type", options.InstanceType is not null),
             ("--instance-count", options.InstanceCount is not null), ("--deploy-best", options.DeployBest)],
            "only for a tuning job (tune --target sagemaker); the local target cross-validates every --k candidate on this machine.");
        var foldCount = options.Folds ?? DefaultFolds;
        var seed = options.Seed ?? 0;
        if (options.K.Count == 0) throw new InputException("--k: give at least one value, e.g. --k 1,3,5,7.");
        if (options.K.Any(k => k < 1)) throw new InputException($"--k {options.K.First(k => k < 1)}: k must be at least 1.");
        var state = await context.State.LoadAsync(cancellationToken);
        var predictorType = options.PredictorType ?? state.PredictorType ?? "classifier";
        if (predictorType is not ("classifier" or "regressor"))
            throw new InputException($"--predictor-type {predictorType}: expected classifier or regressor.");
        var regressor = predictorType == "regressor";
        if (regressor && options.Stratify) throw new InputException("--stratify needs class labels; a regressor's folds cannot be stratified.");

        var path = options.Input ?? state.TrainFile
            ?? throw new InputException("Nothing to tune on: pass --input FILE (label first, no header) or run `knn prepare` first.");
        var data = await ReadAsync(path, cancellationToken);
        var labels = data.Labels.Select(l => (double)l).ToArray();
        var folds = options.Stratify
            ? CrossValidationFolds.Stratified(labels, foldCount, seed)
            : CrossValidationFolds.KFold(data.RowCount, foldCount, seed);
        context.Log.Info($"Cross-validating {options.K.Count * options.IndexTypes.Count * options.IndexMetrics.Count} candidates on {data.RowCount} rows of {path} " +
                         $"({foldCount} {(options.Stratify ? "stratified " : "")}folds, seed {seed})");

        var maxK = options.K.Max();
        var candidates = new List<TuneCandidate>();
        using var progress = context.Log.Progress("tune", (long)folds.Length * options.IndexTypes.Count * options.IndexMetrics.Count);
        var done = 0L;
        foreach (var indexType in options.IndexTypes)
        {
            foreach (var metric in options.IndexMetrics)
            {
                // scores[k][fold]: accuracy and macro F1, or MSE.
                var primary = options.K.Select(_ => new double[folds.Length]).ToArray();
                var macroF1 = options.K.Select(_ => new double[folds.Length]).ToArray();
                for (var f = 0; f < folds.Length; f++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var model = BuildModel(data, folds[f], maxK, predictorType, indexType, metric);
                    var testRows = Gather(data.Features, data.FeatureCount, folds[f].Test);
                    var actual = folds[f].Test.Select(i => labels[i]).ToArray();
                    for (var c = 0; c < options.K.Count; c++)
                    {
                        var predicted = Predict(model, testRows, options.K[c]);
                        if (regressor)
                        {
                            primary[c][f] = RegressionScore.MeanSquaredError(actual, predicted);
                            continue;
                        }
                        var report = ClassificationReport.Compute(actual, predicted);
                        primary[c][f] = report.Accuracy;
                        macroF1[c][f] = report.MacroF1;
                    }
                    progress.Report(++done);
                }
                for (var c = 0; c < options.K.Count; c++)
                {
                    var (mean, std) = MeanAndStd(primary[c]);
                    candidates.Add(regressor
                        ? new TuneCandidate(options.K[c], indexType, metric, null, null, null, null, mean, std)
                        : new TuneCandidate(options.K[c], indexType, metric, mean, std, MeanAndStd(macroF1[c]).Mean, MeanAndStd(macroF1[c]).Std, null, null));
                }
            }
        }
        return new TuneResult(path, data.RowCount, foldCount, options.Stratify, seed, predictorType, candidates, Best(candidates, regressor));
    }

    /// <summary>
    /// The best candidate: highest mean accuracy, then highest mean macro F1 (a regressor: lowest mean MSE); a tie
    /// goes to the first in the order given.
    /// </summary>
    public static TuneCandidate Best(IReadOnlyList<TuneCandidate> candidates, bool regressor)
    {
        var best = candidates[0];
        foreach (var candidate in candidates.Skip(1))
        {
            var better = regressor
                ? candidate.MseMean < best.MseMean
                : candidate.AccuracyMean > best.AccuracyMean || (candidate.AccuracyMean == best.AccuracyMean && candidate.MacroF1Mean > best.MacroF1Mean);
            if (better) best = candidate;
        }
        return best;
    }

    /// <summary>The mean and the population standard deviation (NumPy's <c>std()</c>, ddof=0), as cross_val_score's users report them.</summary>
    public static (double Mean, double Std) MeanAndStd(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        return (mean, Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count));
    }

    /// <summary>The index of one fold's train rows (all of them), for the largest k; <see cref="Predict"/> asks it with any k.</summary>
    private static KnnModel BuildModel(NumericBatch data, Fold fold, int maxK, string predictorType, string indexType, string metric)
    {
        var dimension = data.FeatureCount;
        try
        {
            var hp = KnnHyperparameters.Parse(new Dictionary<string, string>
            {
                ["k"] = maxK.ToString(CultureInfo.InvariantCulture),
                ["sample_size"] = fold.Train.Length.ToString(CultureInfo.InvariantCulture),
                ["predictor_type"] = predictorType,
                ["index_type"] = indexType,
                ["index_metric"] = metric,
            });
            return KnnModelBuilder.Build(Gather(data.Features, dimension, fold.Train), fold.Train.Select(i => data.Labels[i]).ToArray(), dimension, hp);
        }
        catch (HyperparameterException e)
        {
            throw new InputException($"index_type {indexType}, index_metric {metric}: {e.Message}", e);
        }
    }

    /// <summary>Predicts rows with the model's index and labels but another k (the same model, its k edited).</summary>
    private static double[] Predict(KnnModel model, float[] rows, int k)
    {
        var withK = new KnnModel(model.Index, model.Labels, model.Metadata with { K = k }, model.Reduction);
        var predictions = new float[rows.Length / model.FeatureDimension];
        withK.Predict(rows, predictions);
        return predictions.Select(p => (double)p).ToArray();
    }

    private static float[] Gather(float[] features, int dimension, int[] rows)
    {
        var gathered = new float[rows.Length * dimension];
        for (var r = 0; r < rows.Length; r++)
            features.AsSpan(rows[r] * dimension, dimension).CopyTo(gathered.AsSpan(r * dimension, dimension));
        return gathered;
    }

    private static async Task<NumericBatch> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) throw new InputException($"{path}: no such file.");
        await using var stream = File.OpenRead(path);
        using var reader = new NumericCsvReader(stream, path);
        var data = await reader.ReadBatchAsync(int.MaxValue, cancellationToken);
        if (data.RowCount == 0) throw DataErrors.InFile(path, "the file holds no rows");
        return data;
    }
}
