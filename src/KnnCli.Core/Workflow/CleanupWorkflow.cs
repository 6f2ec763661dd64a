using System.Text.Json.Serialization;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Workflow;

public sealed record CleanupOptions(string? EndpointName, bool DeleteData);

public sealed record CleanupItem(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("outcome")] string Outcome);

public sealed record CleanupResult([property: JsonPropertyName("resources")] IReadOnlyList<CleanupItem> Resources);

/// <summary>
/// cleanup: delete endpoint, endpoint config and model (a missing one is fine, so running it twice is fine);
/// with --delete-data also the uploaded objects under the prefix.
/// </summary>
public sealed class CleanupWorkflow(WorkflowContext context)
{
    public async Task<CleanupResult> RunAsync(CleanupOptions options, CancellationToken cancellationToken)
    {
        ResourceNames.Endpoint.Check("--endpoint-name", options.EndpointName);
        var state = await context.State.LoadAsync(cancellationToken);
        var endpoint = options.EndpointName ?? state.EndpointName;
        // An explicitly named endpoint's config and model are only taken from state when they belong to it.
        var ownsState = options.EndpointName is null || options.EndpointName == state.EndpointName;
        var config = ownsState ? state.EndpointConfigName : options.EndpointName;
        var model = ownsState ? state.ModelName : null;

        await using var target = context.CreateTarget();
        var items = new List<CleanupItem>();
        if (endpoint is null && config is null && model is null)
        {
            context.Log.Info("No endpoint, endpoint config or model is recorded; nothing to delete.");
        }
        else
        {
            var deleted = await target.Hosting.DeleteAsync(endpoint, config, model, context.Log, cancellationToken);
            items.AddRange(deleted.Select(d => new CleanupItem(d.Kind, d.Name, Outcome(d.Outcome))));
        }

        if (options.DeleteData)
        {
            var bucket = context.Settings.Bucket ?? state.Bucket;
            if (bucket is not null)
            {
                var prefix = new StoreUri(bucket, context.Settings.Prefix + "/");
                if (context.Settings.DryRun)
                {
                    var objects = await target.Store.ListAsync(prefix, cancellationToken);
                    foreach (var item in objects) context.Log.Info($"would delete {item.Uri}");
                    items.Add(new CleanupItem("data", prefix.ToString(), $"{objects.Count} objects would be deleted"));
                }
                else
                {
                    var count = await target.Store.DeletePrefixAsync(prefix, cancellationToken);
                    items.Add(new CleanupItem("data", prefix.ToString(), $"{count} objects deleted"));
                }
            }
        }

        if (!context.Settings.DryRun)
        {
            await context.State.UpdateAsync(s => s with
            {
                EndpointName = ownsState ? null : s.EndpointName,
                EndpointConfigName = ownsState ? null : s.EndpointConfigName,
                ModelName = ownsState ? null : s.ModelName,
                EndpointUrl = ownsState ? null : s.EndpointUrl,
                ServerPid = ownsState ? null : s.ServerPid,
                TrainUri = options.DeleteData ? null : s.TrainUri,
                TestUri = options.DeleteData ? null : s.TestUri,
            }, cancellationToken);
        }
        return new CleanupResult(items);
    }

    /// <summary>A dry run sends no delete (the targets print the requests and report each as done), so each would be deleted.</summary>
    private string Outcome(DeleteOutcome outcome) => context.Settings.DryRun ? "would be deleted" : outcome == DeleteOutcome.Deleted ? "deleted" : "not found";
}
