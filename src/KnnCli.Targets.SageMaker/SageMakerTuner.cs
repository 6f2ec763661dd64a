using System.Globalization;
using KnnCli.Core.Targets;
using KnnCli.Targets.SageMaker.SageMaker;

namespace KnnCli.Targets.SageMaker;

/// <summary>
/// SageMaker hyperparameter tuning jobs over the built-in k-NN image, like the Python SDK's HyperparameterTuner.fit():
/// each training job is the one train would start, and the wait prints a leaderboard as training jobs finish.
/// </summary>
internal sealed class SageMakerTuner(ISageMakerClient sageMaker, SageMakerTrainer trainer, bool dryRun, SageMakerTimings timings) : ITuner
{
    public async Task<TuningResult> TuneAsync(TuningRequest request, IWorkflowLog log, CancellationToken cancellationToken)
    {
        await sageMaker.CreateHyperParameterTuningJobAsync(CreateRequest(request), cancellationToken).ConfigureAwait(false);
        if (dryRun) return new TuningResult { JobName = request.JobName, Status = TuningStatus.InProgress };
        log.Info($"Started hyperparameter tuning job {request.JobName}.");
        return await WaitAsync(request.JobName, request.Maximize, log, cancellationToken).ConfigureAwait(false);
    }

    internal CreateHyperParameterTuningJobRequest CreateRequest(TuningRequest request)
    {
        // The training job train would create, so a tuned job and a trained one differ only in the tuned values.
        var job = trainer.CreateRequest(request.Training);
        var tuned = request.Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        return new CreateHyperParameterTuningJobRequest
        {
            HyperParameterTuningJobName = request.JobName,
            HyperParameterTuningJobConfig = new HyperParameterTuningJobConfig
            {
                Strategy = request.Strategy,
                HyperParameterTuningJobObjective = new HyperParameterTuningJobObjective { MetricName = request.ObjectiveMetric, Type = request.Maximize ? "Maximize" : "Minimize" },
                ResourceLimits = new ResourceLimits { MaxNumberOfTrainingJobs = request.MaxJobs, MaxParallelTrainingJobs = request.MaxParallelJobs },
                ParameterRanges = Ranges(request.Parameters),
            },
            TrainingJobDefinition = new HyperParameterTrainingJobDefinition
            {
                StaticHyperParameters = job.HyperParameters?.Where(p => !tuned.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value),
                AlgorithmSpecification = job.AlgorithmSpecification,
                RoleArn = job.RoleArn,
                InputDataConfig = job.InputDataConfig,
                VpcConfig = job.VpcConfig,
                OutputDataConfig = job.OutputDataConfig,
                ResourceConfig = job.ResourceConfig,
                StoppingCondition = job.StoppingCondition,
                EnableNetworkIsolation = job.EnableNetworkIsolation,
                EnableInterContainerTrafficEncryption = job.EnableInterContainerTrafficEncryption,
                EnableManagedSpotTraining = job.EnableManagedSpotTraining,
            },
            Tags = job.Tags,
        };
    }

    /// <summary>A range (1..20) searches every integer in it; a list (1,3,5) is categorical: only those values.</summary>
    private static ParameterRanges Ranges(IReadOnlyList<TunedParameter> parameters)
    {
        var integers = parameters.Where(p => p.Candidates.Range is not null)
            .Select(p => new IntegerParameterRange { Name = p.Name, MinValue = Invariant(p.Candidates.Min), MaxValue = Invariant(p.Candidates.Max) }).ToArray();
        var categorical = parameters.Where(p => p.Candidates.Range is null)
            .Select(p => new CategoricalParameterRange { Name = p.Name, Values = [.. p.Candidates.Select(Invariant)] }).ToArray();
        return new ParameterRanges
        {
            IntegerParameterRanges = integers.Length > 0 ? integers : null,
            CategoricalParameterRanges = categorical.Length > 0 ? categorical : null,
        };
    }

    /// <summary>Polls the tuning job and its training jobs until it ends, logging each training job once when it ends.</summary>
    public async Task<TuningResult> WaitAsync(string jobName, bool maximize, IWorkflowLog log, CancellationToken cancellationToken)
    {
        using var wait = log.Wait($"tuning {jobName}");
        var logged = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var job = await sageMaker.DescribeHyperParameterTuningJobAsync(new DescribeHyperParameterTuningJobRequest { HyperParameterTuningJobName = jobName }, cancellationToken).ConfigureAwait(false);
            var jobs = await ListAsync(jobName, cancellationToken).ConfigureAwait(false);
            foreach (var ended in jobs.Where(j => j.Status is not (TrainingStatus.InProgress or TrainingStatus.Stopping) && logged.Add(j.JobName)))
                log.Info(Describe(ended));
            wait.Describe(Progress(job));

            var status = StatusOf(job.HyperParameterTuningJobStatus);
            if (status is TuningStatus.Completed or TuningStatus.Failed or TuningStatus.Stopped)
            {
                var board = Leaderboard(jobs, maximize);
                var bestName = job.BestTrainingJob?.TrainingJobName;
                return new TuningResult
                {
                    JobName = jobName,
                    Status = status,
                    FailureReason = job.FailureReason,
                    Jobs = board,
                    Best = board.FirstOrDefault(j => j.JobName == bestName) ?? (job.BestTrainingJob is { } best ? ToJob(best) : null),
                };
            }
            await Task.Delay(timings.TuningStatusInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(string jobName, CancellationToken cancellationToken) =>
        await sageMaker.StopHyperParameterTuningJobAsync(new StopHyperParameterTuningJobRequest { HyperParameterTuningJobName = jobName }, cancellationToken).ConfigureAwait(false);

    private async Task<List<TunedJob>> ListAsync(string jobName, CancellationToken cancellationToken)
    {
        var jobs = new List<TunedJob>();
        string? token = null;
        do
        {
            var page = await sageMaker.ListTrainingJobsForHyperParameterTuningJobAsync(
                new ListTrainingJobsForHyperParameterTuningJobRequest { HyperParameterTuningJobName = jobName, NextToken = token, MaxResults = 100 }, cancellationToken).ConfigureAwait(false);
            jobs.AddRange(page.TrainingJobSummaries.Select(ToJob));
            token = page.NextToken;
        }
        while (!string.IsNullOrEmpty(token));
        return jobs;
    }

    /// <summary>Best objective first (highest when maximizing, lowest when minimizing); jobs without one last, by name.</summary>
    internal static IReadOnlyList<TunedJob> Leaderboard(IEnumerable<TunedJob> jobs, bool maximize) =>
        [.. jobs.OrderBy(j => j.Objective is null).ThenBy(j => j.Objective is { } value ? (maximize ? -value : value) : 0).ThenBy(j => j.JobName, StringComparer.Ordinal)];

    private static TunedJob ToJob(HyperParameterTrainingJobSummary summary) => new(
        summary.TrainingJobName ?? "",
        summary.TrainingJobStatus switch
        {
            "Completed" => TrainingStatus.Completed,
            "Failed" => TrainingStatus.Failed,
            "Stopping" => TrainingStatus.Stopping,
            "Stopped" or "Deleting" => TrainingStatus.Stopped,
            _ => TrainingStatus.InProgress,
        },
        summary.TunedHyperParameters ?? [],
        summary.FinalHyperParameterTuningJobObjectiveMetric?.Value,
        summary.FailureReason);

    private static string Describe(TunedJob job)
    {
        var values = string.Join(", ", job.TunedHyperparameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        var outcome = job.Objective is { } objective ? $"objective {objective.ToString("R", CultureInfo.InvariantCulture)}"
            : job.FailureReason is { } reason ? reason : "no objective value";
        return $"Training job {job.JobName} ({values}): {job.Status}, {outcome}";
    }

    private static string Progress(DescribeHyperParameterTuningJobResponse job)
    {
        var counters = job.TrainingJobStatusCounters;
        var failed = (counters?.RetryableError ?? 0) + (counters?.NonRetryableError ?? 0);
        return $"{job.HyperParameterTuningJobStatus}: {counters?.Completed ?? 0} completed, {counters?.InProgress ?? 0} in progress, {failed} failed, {counters?.Stopped ?? 0} stopped";
    }

    private static TuningStatus StatusOf(string? status) => status switch
    {
        "Completed" => TuningStatus.Completed,
        "Failed" or "DeleteFailed" => TuningStatus.Failed,
        "Stopping" => TuningStatus.Stopping,
        "Stopped" or "Deleting" => TuningStatus.Stopped,
        _ => TuningStatus.InProgress,
    };

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
