using KnnCli.Core.Errors;
using KnnCli.Core.State;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Workflow;

/// <summary>
/// wait: attach to a training job as the SageMaker Python SDK's Estimator.attach does (by default the one the last
/// train started): wait for it to end while streaming its log, then record it as the current job with its model and metrics.
/// </summary>
public sealed class WaitWorkflow(WorkflowContext context)
{
    public async Task<TrainResult> RunAsync(string? jobName, CancellationToken cancellationToken)
    {
        ResourceNames.TrainingJob.Check("--job-name", jobName);
        var state = await context.State.LoadAsync(cancellationToken);
        var name = JobNameOrRecorded(jobName, state, "wait");
        await using var target = context.CreateTarget();
        var result = await target.Trainer.WaitAsync(name, context.Log, cancellationToken);
        if (!context.Settings.DryRun)
            await context.State.UpdateAsync(s => TrainWorkflow.Current(s, result.JobName, result.Status, result.ModelArtifact), cancellationToken);
        return TrainWorkflow.Report(result, new Dictionary<string, string>());
    }

    /// <summary>The given job, else the one the last train in this folder started on this target.</summary>
    internal static string JobNameOrRecorded(string? jobName, KnnState state, string verb) =>
        jobName ?? state.TrainingJobName
        ?? throw new InputException($"No training job is recorded here for the {state.Target} target: run `knn train`, or `knn {verb} --job-name NAME` for a job started elsewhere.");
}
