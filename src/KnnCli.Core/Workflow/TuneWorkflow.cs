using System.Text.Json.Serialization;
using KnnCli.Core.Errors;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Workflow;

public sealed record TuneOptions
{
    /// <summary>A label-first, header-less CSV (default: the prepared train file); local target only.</summary>
    public string? Input { get; init; }
    public IntegerCandidates K { get; init; } = [1, 3, 5, 7];
    /// <summary>Folds of k-fold cross-validation (default 5); local target only.</summary>
    public int? Folds { get; init; }
    /// <summary>Keep each class's share in every fold (StratifiedKFold); classifier only.</summary>
    public bool Stratify { get; init; }
    /// <summary>The folds' shuffle seed (default 0); local target only.</summary>
    public uint? Seed { get; init; }
    public IReadOnlyList<string> IndexTypes { get; init; } = ["faiss.Flat"];
    public IReadOnlyList<string> IndexMetrics { get; init; } = ["L2"];
    /// <summary>classifier or regressor (default: the last training's, else classifier).</summary>
    public string? PredictorType { get; init; }

    // The sagemaker target's hyperparameter tuning job.
    /// <summary>sample_size candidates (default: train's 1000, untuned).</summary>
    public IntegerCandidates? SampleSize { get; init; }
    /// <summary>The most training jobs the tuning job starts: its cost bound, required.</summary>
    public int? MaxJobs { get; init; }
    public int? MaxParallelJobs { get; init; }
    /// <summary>Bayesian (default), Random, Grid or Hyperband.</summary>
    public string? Strategy { get; init; }
    public string? JobName { get; init; }
    public string? InstanceType { get; init; }
    public int? InstanceCount { get; init; }
    /// <summary>Make the best training job the current one and deploy it.</summary>
    public bool DeployBest { get; init; }
}

/// <summary>One candidate's cross-validated scores: mean and population standard deviation over the folds.</summary>
public sealed record TuneCandidate(
    [property: JsonPropertyName("k")] int K,
    [property: JsonPropertyName("index_type")] string IndexType,
    [property: JsonPropertyName("index_metric")] string IndexMetric,
    [property: JsonPropertyName("accuracy_mean")] double? AccuracyMean,
    [property: JsonPropertyName("accuracy_std")] double? AccuracyStd,
    [property: JsonPropertyName("macro_f1_mean")] double? MacroF1Mean,
    [property: JsonPropertyName("macro_f1_std")] double? MacroF1Std,
    [property: JsonPropertyName("mse_mean")] double? MseMean,
    [property: JsonPropertyName("mse_std")] double? MseStd);

public sealed record TuneResult(
    [property: JsonPropertyName("input")] string Input,
    [property: JsonPropertyName("rows")] int Rows,
    [property: JsonPropertyName("folds")] int Folds,
    [property: JsonPropertyName("stratify")] bool Stratify,
    [property: JsonPropertyName("seed")] uint Seed,
    [property: JsonPropertyName("predictor_type")] string PredictorType,
    [property: JsonPropertyName("candidates")] IReadOnlyList<TuneCandidate> Candidates,
    [property: JsonPropertyName("best")] TuneCandidate Best)
{
    /// <summary>The picture tune --plot drew.</summary>
    [JsonPropertyName("plot")] public string? Plot { get; init; }
}

/// <summary>What tune did: cross-validation here (the local target) or a tuning job (sagemaker); exactly one is set.</summary>
public sealed record TuneOutcome(TuneResult? CrossValidation, TuningJobResult? TuningJob);

/// <summary>
/// tune: choose hyperparameters. The local target runs k-fold cross-validation in-process (<see cref="LocalTuning"/>);
/// the sagemaker target runs a hyperparameter tuning job (<see cref="TuningJobWorkflow"/>).
/// </summary>
public sealed class TuneWorkflow(WorkflowContext context)
{
    public async Task<TuneOutcome> RunAsync(TuneOptions options, CancellationToken cancellationToken) =>
        context.Settings.Target == "sagemaker"
            ? new(null, await new TuningJobWorkflow(context).RunAsync(options, cancellationToken))
            : new(await new LocalTuning(context).RunAsync(options, cancellationToken), null);

    /// <summary>Refuses the options of the other target, naming them in one line.</summary>
    internal static void RefuseOptions(IEnumerable<(string Option, bool Given)> options, string why)
    {
        var given = options.Where(o => o.Given).Select(o => o.Option).ToArray();
        if (given.Length > 0) throw new InputException($"{string.Join(", ", given)}: {why}");
    }
}
