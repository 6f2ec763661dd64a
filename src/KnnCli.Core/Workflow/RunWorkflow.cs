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

/// <summary>
/// run: the reference notebook end to end (prepare, upload, train, deploy, predict, cleanup). Once an endpoint
/// exists, cleanup runs even when a later step fails or is cancelled, so nothing is left running or billing.
/// </summary>
public sealed class RunWorkflow(WorkflowContext context)
{
    public async Task<RunResult> RunAsync(RunOptions options, CancellationToken cancellationToken)
    {
        // A bad name would otherwise surface only at deploy, after the data was prepared and a model trained.
        TrainWorkflow.CheckNames(options.Train, context);
        DeployWorkflow.CheckNames(options.Deploy, context);
        ResourceNames.Endpoint.Check("--endpoint-name", options.Predict.EndpointName);
        // One question for the whole flow, before anything is prepared or uploaded.
        var endpointLimit = options.KeepEndpoint ? "--keep-endpoint: it bills until `knn cleanup` deletes it" : "run deletes it when predict ends";
        await context.Costs.ConfirmAsync(context, "run",
            [TrainWorkflow.Spend(options.Train, context), .. DeployWorkflow.Spend(options.Deploy, endpointLimit) is { } endpoint ? [endpoint] : Array.Empty<InstanceSpend>()],
            cancellationToken);
        var prepared = await new PrepareWorkflow(context).RunAsync(options.Prepare, cancellationToken);
        if (context.Settings.DryRun)
        {
            // The later steps need the files and model the earlier ones would have made, so a dry run checks the
            // input and the names and says what would follow.
            context.Log.Info($"would then upload {prepared.TrainFile} and {prepared.TestFile}, train on them, deploy the model, predict the {prepared.TestRows} test rows{(options.KeepEndpoint ? " and keep the endpoint" : " and clean up")}");
            return new RunResult(prepared, null, null, null, null, null);
        }
        var uploaded = await new UploadWorkflow(context).RunAsync(new UploadOptions(null, null), cancellationToken);
        var trained = await new TrainWorkflow(context).RunAsync(options.Train, cancellationToken);
        // Only this run's endpoint (named as deploy names it) is cleaned up; others recorded here keep running.
        var endpointName = options.Deploy.EndpointName ?? trained.JobName;
        DeployResult deployed;
        PredictResult predicted;
        try
        {
            deployed = await new DeployWorkflow(context).RunAsync(options.Deploy, cancellationToken);
            predicted = await new PredictWorkflow(context).RunAsync(options.Predict, cancellationToken);
        }
        catch
        {
            if (!options.KeepEndpoint) await CleanupAsync(endpointName, CancellationToken.None);
            throw;
        }
        var cleaned = options.KeepEndpoint ? null : await CleanupAsync(endpointName, cancellationToken);
        return new RunResult(prepared, uploaded, trained, deployed, predicted, cleaned);
    }

    private Task<CleanupResult> CleanupAsync(string endpointName, CancellationToken cancellationToken) =>
        new CleanupWorkflow(context).RunAsync(new CleanupOptions(endpointName, DeleteData: false), cancellationToken);
}
