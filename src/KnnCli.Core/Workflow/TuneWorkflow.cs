using System.Text.Json.Serialization;
using KnnCli.Core.Errors;

namespace KnnCli.Core.Workflow;

public sealed record TuneOptions
{
    /// <summary>A label-first, header-less CSV (default: the prepared train file).</summary>
    public string? Input { get; init; }
    public IReadOnlyList<int> K { get; init; } = [1, 3, 5, 7];
    public int Folds { get; init; } = 5;
    /// <summary>Keep each class's share in every fold (StratifiedKFold); classifier only.</summary>
    public bool Stratify { get; init; }
    public uint Seed { get; init; }
    public IReadOnlyList<string> IndexTypes { get; init; } = ["faiss.Flat"];
    public IReadOnlyList<string> IndexMetrics { get; init; } = ["L2"];
    /// <summary>classifier or regressor (default: the last training's, else classifier).</summary>
    public string? PredictorType { get; init; }
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

/// <summary>
/// tune: choose hyperparameters by cross-validation. The local target runs k-fold cross-validation in-process
/// (<see cref="LocalTuning"/>); the sagemaker target is where a hyperparameter tuning job belongs.
/// </summary>
public sealed class TuneWorkflow(WorkflowContext context)
{
    public Task<TuneResult> RunAsync(TuneOptions options, CancellationToken cancellationToken) =>
        context.Settings.Target == "sagemaker"
            ? throw new InputException("tune --target sagemaker (a hyperparameter tuning job) is not available yet; run `knn tune` on the local target.")
            : new LocalTuning(context).RunAsync(options, cancellationToken);
}
