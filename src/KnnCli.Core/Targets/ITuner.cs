using System.Collections;
using System.Runtime.CompilerServices;

namespace KnnCli.Core.Targets;

/// <summary>
/// Candidate values of one integer hyperparameter as the user gave them: a list (1,3,5) or one inclusive range
/// (1..20). A range stays a range (never expanded for a tuning job, so 256..20000000 costs nothing); enumerating
/// it yields every value, as local cross-validation needs.
/// </summary>
[CollectionBuilder(typeof(IntegerCandidates), nameof(Create))]
public sealed class IntegerCandidates : IReadOnlyList<int>
{
    private readonly int[] _values;

    private IntegerCandidates(int[] values, (int Min, int Max)? range)
    {
        _values = values;
        Range = range;
    }

    /// <summary>Set when the candidates were given as one range.</summary>
    public (int Min, int Max)? Range { get; }

    public static IntegerCandidates Create(ReadOnlySpan<int> values) => new(values.ToArray(), null);

    public static IntegerCandidates Between(int min, int max) => new([], (min, max));

    public int Count => Range is { } r ? r.Max - r.Min + 1 : _values.Length;

    public int this[int index] => Range is { } r ? r.Min + index : _values[index];

    public int Min => Range?.Min ?? _values.Min();

    public int Max => Range?.Max ?? _values.Max();

    public IEnumerator<int> GetEnumerator() => (Range is { } r ? Enumerable.Range(r.Min, r.Max - r.Min + 1) : _values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>As the user would write it: 1..20 or 1,3,5.</summary>
    public override string ToString() => Range is { } r ? $"{r.Min}..{r.Max}" : string.Join(',', _values);
}

/// <summary>One tuned hyperparameter: its SageMaker name and candidates (a range or a categorical list).</summary>
public sealed record TunedParameter(string Name, IntegerCandidates Candidates);

/// <summary>A hyperparameter tuning job as CreateHyperParameterTuningJob describes it.</summary>
public sealed record TuningRequest
{
    public required string JobName { get; init; }
    /// <summary>Each training job's definition, as train builds it; the tuned names' values in it are placeholders.</summary>
    public required TrainingRequest Training { get; init; }
    public required IReadOnlyList<TunedParameter> Parameters { get; init; }
    /// <summary>test:accuracy (maximized) for a classifier, test:mse (minimized) for a regressor.</summary>
    public required string ObjectiveMetric { get; init; }
    public required bool Maximize { get; init; }
    public required int MaxJobs { get; init; }
    public int MaxParallelJobs { get; init; } = 1;
    public string Strategy { get; init; } = "Bayesian";
}

public enum TuningStatus { InProgress, Completed, Failed, Stopping, Stopped }

/// <summary>One of a tuning job's training jobs: its tuned hyperparameters and final objective value (null until it has one).</summary>
public sealed record TunedJob(string JobName, TrainingStatus Status, IReadOnlyDictionary<string, string> TunedHyperparameters, double? Objective, string? FailureReason);

public sealed record TuningResult
{
    public required string JobName { get; init; }
    public required TuningStatus Status { get; init; }
    public string? FailureReason { get; init; }
    /// <summary>The training jobs, best objective first; jobs without one last.</summary>
    public IReadOnlyList<TunedJob> Jobs { get; init; } = [];
    /// <summary>The service's best training job (null before one has an objective value).</summary>
    public TunedJob? Best { get; init; }
}

/// <summary>Runs hyperparameter tuning jobs (SageMaker); the local target tunes by cross-validation instead and has none.</summary>
public interface ITuner
{
    /// <summary>Starts the tuning job and waits for it to end, logging each training job as it finishes.</summary>
    Task<TuningResult> TuneAsync(TuningRequest request, IWorkflowLog log, CancellationToken cancellationToken);

    Task StopAsync(string jobName, CancellationToken cancellationToken);
}
