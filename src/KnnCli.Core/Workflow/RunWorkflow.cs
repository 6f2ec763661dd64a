using System.Text.Json.Serialization;

using KnnCli.Core.Targets;

namespace KnnCli.Core.Workflow;

public sealed record RunOptions
{
    public PrepareOptions Prepare { get; init; } = new();
    public TrainOptions Train { get; init; } = new();
    public DeployOptions Deploy { get; init; } = new();
    public PredictOptions Predict { get; init; } = new();
    /// <summary>Leave the endpoint running at the end instead of cleaning up.</summary>
    public bool KeepEndpoint { get; init; }
}

public sealed record RunResult(
    [property: JsonPropertyName("prepare")] PrepareResult Prepare,
    [property: JsonPropertyName("upload")] UploadResult? Upload,
    [property: JsonPropertyName("train")] TrainResult? Train,
    [property: JsonPropertyName("deploy")] DeployResult? Deploy,
    [property: JsonPropertyName("predict")] PredictResult? Predict,
    [property: JsonPropertyName("cleanup")] CleanupResult? Cleanup);

/// <summary>Told each step's result as the step ends, so knn run can show it then rather than all at the end.</summary>
public interface IRunSteps
{
    void Prepared(PrepareResult result);

    void Uploaded(UploadResult result);

    void Trained(TrainResult result);

    void Deployed(DeployResult result);

    void Predicted(PredictResult result);

    void CleanedUp(CleanupResult result);
}

/// <summary>
/// run: the reference notebook end to end (prepare, upload, train, deploy, predict, cleanup). Once an endpoint
/// exists, cleanup runs even when a later step fails or is cancelled, so nothing is left running or billing.
/// </summary>
public sealed class RunWorkflow(WorkflowContext context)
{
    public async Task<RunResult> RunAsync(RunOptions options, IRunSteps? steps, CancellationToken cancellationToken)
    {
        // A bad name or predict option would otherwise surface only at deploy or predict, after the data was prepared and a model trained.
        TrainWorkflow.CheckNames(options.Train, context);
        DeployWorkflow.CheckNames(options.Deploy, context);
        PredictWorkflow.Check(options.Predict);
        if (options.Deploy.EndpointName is { } given)
        {
            // Checked first: a run that failed to deploy over someone's endpoint must not then clean that endpoint up.
            await using var target = context.CreateTarget();
            await DeployWorkflow.EnsureNameFreeAsync(target, given, cancellationToken);
        }
        // One question for the whole flow, before anything is prepared or uploaded.
        var endpointLimit = options.KeepEndpoint ? "--keep-endpoint: it bills until `knn cleanup` deletes it" : "run deletes it when predict ends";
        await context.Costs.ConfirmAsync(context, "run",
            [TrainWorkflow.Spend(options.Train, context), .. DeployWorkflow.Spend(options.Deploy, endpointLimit) is { } endpoint ? [endpoint] : Array.Empty<InstanceSpend>()],
            cancellationToken);
        var prepared = await new PrepareWorkflow(context).RunAsync(options.Prepare, cancellationToken);
        steps?.Prepared(prepared);
        if (context.Settings.DryRun)
        {
            // The later steps need the files and model the earlier ones would have made, so a dry run checks the
            // input and the names and says what would follow.
            context.Log.Info($"would then upload {prepared.TrainFile} and {prepared.TestFile}, train on them, deploy the model, predict the {prepared.TestRows} test rows{(options.KeepEndpoint ? " and keep the endpoint" : " and clean up")}");
            return new RunResult(prepared, null, null, null, null, null);
        }
        var uploaded = await new UploadWorkflow(context).RunAsync(new UploadOptions(null, null), cancellationToken);
        steps?.Uploaded(uploaded);
        var trained = await new TrainWorkflow(context).RunAsync(options.Train, cancellationToken);
        steps?.Trained(trained);
        // Only this run's endpoint (named as deploy names it) is cleaned up; others recorded here keep running.
        var endpointName = options.Deploy.EndpointName ?? trained.JobName;
        DeployResult deployed;
        PredictResult predicted;
        var step = "deploy";
        try
        {
            deployed = await new DeployWorkflow(context).RunAsync(options.Deploy, cancellationToken);
            steps?.Deployed(deployed);
            step = "predict";
            predicted = await new PredictWorkflow(context).RunAsync(options.Predict, cancellationToken);
            steps?.Predicted(predicted);
        }
        catch (Exception e) when (!options.KeepEndpoint)
        {
            var cleaned = await CleanupAsync(endpointName, CancellationToken.None);
            var deleted = cleaned.Resources.Where(r => r.Outcome == "deleted").Select(r => $"{r.Kind} {r.Name}").ToList();
            var what = e is OperationCanceledException ? $"run was cancelled during {step}" : $"{step} failed";
            context.Log.Warn(deleted.Count > 0
                ? $"{what}; cleaned up {string.Join(", ", deleted)}, so nothing of this run is left running."
                : $"{what}; it had created nothing to clean up.");
            throw;
        }
        var cleanup = options.KeepEndpoint ? null : await CleanupAsync(endpointName, cancellationToken);
        if (cleanup is not null) steps?.CleanedUp(cleanup);
        return new RunResult(prepared, uploaded, trained, deployed, predicted, cleanup);
    }

    private Task<CleanupResult> CleanupAsync(string endpointName, CancellationToken cancellationToken) =>
        new CleanupWorkflow(context).RunAsync(new CleanupOptions(endpointName, DeleteData: false), cancellationToken);
}
