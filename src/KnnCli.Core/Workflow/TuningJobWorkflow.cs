using System.Globalization;
using System.Text.Json.Serialization;
using KnnCli.Core.Errors;
using KnnCli.Core.State;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Workflow;

/// <summary>One training job of a tuning job on the leaderboard, with the k and sample_size it ran with.</summary>
public sealed record TuningJobEntry(
    [property: JsonPropertyName("job_name")] string JobName,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("k")] int? K,
    [property: JsonPropertyName("sample_size")] int? SampleSize,
    [property: JsonPropertyName("tuned_hyperparameters")] IReadOnlyDictionary<string, string> TunedHyperparameters,
    [property: JsonPropertyName("objective_value")] double? ObjectiveValue,
    [property: JsonPropertyName("failure_reason")] string? FailureReason);

public sealed record TuningJobResult(
    [property: JsonPropertyName("tuning_job_name")] string TuningJobName,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("strategy")] string Strategy,
    [property: JsonPropertyName("objective_metric")] string ObjectiveMetric,
    [property: JsonPropertyName("objective_type")] string ObjectiveType,
    [property: JsonPropertyName("max_jobs")] int MaxJobs,
    [property: JsonPropertyName("max_parallel_jobs")] int MaxParallelJobs,
    [property: JsonPropertyName("training_jobs")] IReadOnlyList<TuningJobEntry> TrainingJobs,
    [property: JsonPropertyName("best")] TuningJobEntry? Best,
    [property: JsonPropertyName("deploy")] DeployResult? Deploy);

/// <summary>
/// tune on the sagemaker target: a hyperparameter tuning job whose training jobs are the one train would start, with
/// k and sample_size searched; it scores each on the test channel (test:accuracy or test:mse). Bounded by --max-jobs.
/// </summary>
public sealed class TuningJobWorkflow(WorkflowContext context)
{
    /// <summary>SageMaker's ranges for the tunable k-NN hyperparameters (the algorithm's tuning page).</summary>
    public static readonly IReadOnlyDictionary<string, (int Min, int Max)> TunableRanges = new Dictionary<string, (int, int)>
    {
        ["k"] = (1, 1024),
        ["sample_size"] = (256, 20_000_000),
    };

    /// <summary>The model's limit on one categorical range's values.</summary>
    public const int MaxCategoricalValues = 30;

    public static readonly IReadOnlyList<string> Strategies = ["Bayesian", "Random", "Grid", "Hyperband"];

    public async Task<TuningJobResult> RunAsync(TuneOptions options, CancellationToken cancellationToken)
    {
        TuneWorkflow.RefuseOptions(
            [("--input", options.Input is not null), ("--folds", options.Folds is not null), ("--stratify", options.Stratify), ("--seed", options.Seed is not null)],
            "only for tune on the local target (k-fold cross-validation); a tuning job scores each training job on the test channel.");
        var maxJobs = options.MaxJobs
            ?? throw new InputException("tune --target sagemaker needs --max-jobs N: the most training jobs the tuning job may start (its cost bound).");
        if (maxJobs < 1) throw new InputException($"--max-jobs {maxJobs}: must be at least 1.");
        var maxParallel = options.MaxParallelJobs ?? 1;
        if (maxParallel < 1 || maxParallel > maxJobs) throw new InputException($"--max-parallel-jobs {maxParallel}: use 1 to --max-jobs ({maxJobs}).");
        var strategy = Strategies.FirstOrDefault(s => string.Equals(s, options.Strategy ?? "Bayesian", StringComparison.OrdinalIgnoreCase))
            ?? throw new InputException($"--strategy {options.Strategy}: expected {string.Join(", ", Strategies)}.");
        ResourceNames.TuningJob.Check("--job-name", options.JobName);
        ResourceNames.Role.Check("--role", context.Settings.RoleArn);

        var parameters = new List<TunedParameter>();
        var hyperparameters = new Dictionary<string, string>(StringComparer.Ordinal);
        Candidates("k", "--k", options.K, parameters, hyperparameters);
        if (options.SampleSize is { } sampleSize) Candidates("sample_size", "--sample-size", sampleSize, parameters, hyperparameters);
        if (parameters.Count == 0)
            throw new InputException("Nothing to tune: give --k or --sample-size several values (1,3,5) or a range (1..20).");
        if (strategy == "Grid" && parameters.Any(p => p.Candidates.Range is not null))
            throw new InputException("--strategy Grid searches lists only: give --k and --sample-size as values (1,3,5), not ranges.");
        if (options.PredictorType is { } predictorType) hyperparameters["predictor_type"] = predictorType;
        // One index type and metric per tuning job: k-NN tunes only k and sample_size.
        // Sent only when not the container's default, as train sends them.
        if (Single(options.IndexTypes, "--index-type") is var indexType and not "faiss.Flat") hyperparameters["index_type"] = indexType;
        if (Single(options.IndexMetrics, "--index-metric") is var indexMetric and not "L2") hyperparameters["index_metric"] = indexMetric;

        var jobName = options.JobName ?? WorkflowContext.UniqueName("knn-tune");
        var train = new TrainOptions { Hyperparameters = hyperparameters, InstanceType = options.InstanceType, InstanceCount = options.InstanceCount, JobName = jobName };
        var state = await context.State.LoadAsync(cancellationToken);
        var given = TrainWorkflow.CheckHyperparameters(train, state);
        if (state.TestUri is null && !(state.TestFile is { } testFile && File.Exists(testFile)))
            throw new InputException("A tuning job scores each training job on the test channel: upload a test channel: `knn prepare` then `knn upload`.");
        var regressor = given.PredictorType == "regressor";
        var (metric, maximize) = regressor ? ("test:mse", false) : ("test:accuracy", true);

        var spends = new List<InstanceSpend> { TrainWorkflow.Spend(train, context) with { Purpose = "tuning job", MaxJobs = maxJobs } };
        if (options.DeployBest && DeployWorkflow.Spend(new DeployOptions(), "it bills until `knn cleanup` deletes it") is { } endpoint) spends.Add(endpoint);
        await context.Costs.ConfirmAsync(context, "tune", spends, cancellationToken);

        await using var target = context.CreateTarget();
        var tuner = target.Tuner ?? throw new InputException($"The {target.Name} target runs no tuning jobs; run `knn tune` on the local target.");
        var (training, bucket) = await new TrainWorkflow(context).PlanAsync(target, train, state, given, cancellationToken);
        var request = new TuningRequest
        {
            JobName = jobName,
            Training = training,
            Parameters = parameters,
            ObjectiveMetric = metric,
            Maximize = maximize,
            MaxJobs = maxJobs,
            MaxParallelJobs = maxParallel,
            Strategy = strategy,
        };
        var tuned = parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var staticValues = training.Hyperparameters.ToStringMap().Where(p => !tuned.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value);
        context.Log.Info($"Tuning job {jobName} on {target.Name}: {string.Join(", ", parameters.Select(p => $"{p.Name} in {p.Candidates}"))}; "
            + $"static {string.Join(", ", staticValues.Select(p => $"{p.Key}={p.Value}"))}; {(maximize ? "maximize" : "minimize")} {metric}, "
            + $"{strategy}, up to {maxJobs} training jobs, {maxParallel} at a time");

        // Recorded before it starts, so after Ctrl-C or a crash `knn status` knows the tuning job.
        await context.RecordDataAsync(bucket, training.Train, training.Test, s => s with { TuningJobName = jobName, TuningJobStatus = nameof(TuningStatus.InProgress) }, cancellationToken);
        TuningResult result;
        try
        {
            result = await tuner.TuneAsync(request, context.Log, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            context.Log.Warn($"Stopping tuning job {jobName}…");
            await tuner.StopAsync(jobName, CancellationToken.None);
            context.Log.Warn($"Tuning job {jobName} is stopping, and its running training jobs with it.");
            await context.State.UpdateAsync(s => s with { TuningJobStatus = nameof(TuningStatus.Stopping) }, CancellationToken.None);
            throw;
        }

        var report = Report(request, result, staticValues);
        if (context.Settings.DryRun)
        {
            if (options.DeployBest) context.Log.Info("would deploy the best training job (--deploy-best)");
            return report;
        }
        await context.State.UpdateAsync(s => s with { TuningJobStatus = result.Status.ToString() }, cancellationToken);
        if (result.Status == TuningStatus.Failed)
            throw new RemoteFailureException($"Tuning job {jobName} failed: {result.FailureReason ?? "no reason given"}");
        if (!options.DeployBest) return report;

        var best = result.Best ?? throw new RemoteFailureException($"Tuning job {jobName} ended {result.Status} with no training job that reported {metric}: nothing to deploy.");
        // The best job becomes the current training job, as if train had run it, so deploy, status and cleanup know it.
        var model = training.OutputPath.Append($"{best.JobName}/output/model.tar.gz");
        await context.State.UpdateAsync(s => TrainWorkflow.Current(s, best.JobName, TrainingStatus.Completed, model) with { PredictorType = given.PredictorType }, cancellationToken);
        var deployed = await new DeployWorkflow(context).RunAsync(new DeployOptions(), cancellationToken);
        return report with { Deploy = deployed };
    }

    /// <summary>One value is sent as it is (static); several, or a range, are tuned, within SageMaker's range for the name.</summary>
    private static void Candidates(string name, string option, IntegerCandidates candidates, List<TunedParameter> tuned, Dictionary<string, string> hyperparameters)
    {
        if (candidates.Count == 0) throw new InputException($"{option}: give at least one value, e.g. {option} 1,3,5.");
        var (min, max) = TunableRanges[name];
        if (candidates.Min < min || candidates.Max > max)
            throw new InputException($"{option} {candidates}: SageMaker tunes {name} from {min.ToString("N0", CultureInfo.InvariantCulture)} to {max.ToString("N0", CultureInfo.InvariantCulture)}.");
        if (candidates.Range is null && candidates.Count > MaxCategoricalValues)
            throw new InputException($"{option} {candidates}: a list holds at most {MaxCategoricalValues} values; give a range ({candidates.Min}..{candidates.Max}) instead.");
        // A tuned name's value here is only a placeholder for train's checks; it is not sent.
        hyperparameters[name] = candidates.Min.ToString(CultureInfo.InvariantCulture);
        if (candidates.Count > 1) tuned.Add(new TunedParameter(name, candidates));
    }

    private static string Single(IReadOnlyList<string> values, string option) => values.Count == 1
        ? values[0]
        : throw new InputException($"{option} {string.Join(',', values)}: a tuning job tunes k and sample_size only; give one value.");

    private static TuningJobResult Report(TuningRequest request, TuningResult result, IReadOnlyDictionary<string, string> staticValues)
    {
        TuningJobEntry Entry(TunedJob job)
        {
            int? Value(string name) =>
                (job.TunedHyperparameters.TryGetValue(name, out var text) || staticValues.TryGetValue(name, out text))
                && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
            return new TuningJobEntry(job.JobName, job.Status.ToString(), Value("k"), Value("sample_size"), job.TunedHyperparameters, job.Objective, job.FailureReason);
        }

        return new TuningJobResult(request.JobName, result.Status.ToString(), request.Strategy, request.ObjectiveMetric, request.Maximize ? "Maximize" : "Minimize",
            request.MaxJobs, request.MaxParallelJobs, [.. result.Jobs.Select(Entry)], result.Best is { } best ? Entry(best) : null, null);
    }
}
