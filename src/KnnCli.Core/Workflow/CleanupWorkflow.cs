using System.Text.Json.Serialization;
using KnnCli.Core.State;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Workflow;

/// <param name="EndpointName">Only this endpoint (and its config and model when knn made them).</param>
/// <param name="ModelName">Only this model.</param>
/// <param name="All">Every knn-tagged resource the target finds, recorded here or not.</param>
/// <param name="DeleteData">The objects upload put under prefix/input.</param>
/// <param name="IncludeModels">With DeleteData: the training jobs' model artifacts under prefix/output too.</param>
public sealed record CleanupOptions(string? EndpointName, bool DeleteData, string? ModelName = null, bool All = false, bool IncludeModels = false);

public sealed record CleanupItem(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("outcome")] string Outcome);

public sealed record CleanupResult([property: JsonPropertyName("resources")] IReadOnlyList<CleanupItem> Resources);

/// <summary>
/// cleanup: delete every endpoint, endpoint config and model the state records for this target (a missing one is
/// fine, so running it twice is fine), and forget each as soon as it is gone, so Ctrl-C leaves the state true.
/// </summary>
public sealed class CleanupWorkflow(WorkflowContext context)
{
    public async Task<CleanupResult> RunAsync(CleanupOptions options, CancellationToken cancellationToken)
    {
        ResourceNames.Endpoint.Check("--endpoint-name", options.EndpointName);
        ResourceNames.Model.Check("--model-name", options.ModelName);
        if (options.IncludeModels && !options.DeleteData) throw new Errors.InputException("--include-models goes with --delete-data.");
        var state = await context.State.LoadAsync(cancellationToken);
        await using var target = context.CreateTarget();
        var groups = await GroupsAsync(options, state, target, cancellationToken);
        var data = options.DeleteData ? await DataPrefixesAsync(options, state, target, cancellationToken) : [];
        await context.Costs.ConfirmDeleteAsync(context, "cleanup", [.. data.Select(p => $"every object under {p}")], cancellationToken);

        var items = new List<CleanupItem>();
        if (groups.Count == 0 && !options.DeleteData)
            context.Log.Info($"Nothing is recorded on the {target.Name} target: no endpoint, endpoint config or model to delete.");
        foreach (var (endpoint, config, model) in groups)
        {
            var deleted = await target.Hosting.DeleteAsync(endpoint, config, model, context.Log, cancellationToken);
            items.AddRange(deleted.Select(d => new CleanupItem(d.Kind, d.Name, Outcome(d.Outcome))));
            if (!context.Settings.DryRun)
                await context.State.UpdateAsync(s => s.WithoutResources(deleted.Select(d => (d.Kind, d.Name))), CancellationToken.None);
        }

        foreach (var prefix in data)
        {
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
        if (data.Count > 0 && !context.Settings.DryRun)
        {
            await context.State.UpdateAsync(s => s with
            {
                TrainUri = null,
                TestUri = null,
                ModelArtifactUri = options.IncludeModels ? null : s.ModelArtifactUri,
            }, CancellationToken.None);
        }
        return new CleanupResult(items);
    }

    /// <summary>What to delete, each endpoint with its config and model: the order SageMaker allows (endpoint first).</summary>
    private async Task<List<(string? Endpoint, string? Config, string? Model)>> GroupsAsync(CleanupOptions options, KnnState state, ITarget target, CancellationToken cancellationToken)
    {
        var recorded = state.Resources ?? [];
        KnnResource? Find(string kind, string name) => recorded.FirstOrDefault(r => r.Is(kind, name));
        if (options.EndpointName is { } endpointName)
        {
            // Its config and model go too when knn made them for it; an endpoint knn did not record keeps its model.
            var endpoint = Find(ResourceKinds.Endpoint, endpointName);
            var config = endpoint?.EndpointConfigName ?? endpointName;
            // A model another recorded endpoint config still names stays (two deploys of one job share it).
            var model = endpoint?.ModelName is { } name && !recorded.Any(r => r.Kind == ResourceKinds.EndpointConfig && r.Name != config && r.ModelName == name) ? name : null;
            return [(endpointName, config, model)];
        }
        if (options.ModelName is { } modelName) return [(null, null, modelName)];

        var endpoints = recorded.Where(r => r.Kind == ResourceKinds.Endpoint).Select(r => r.Name).ToList();
        var configs = recorded.Where(r => r.Kind == ResourceKinds.EndpointConfig).Select(r => r.Name).ToList();
        var models = recorded.Where(r => r.Kind == ResourceKinds.Model).Select(r => r.Name).ToList();
        if (options.All)
        {
            foreach (var live in await target.Hosting.ListLiveAsync(cancellationToken))
            {
                var list = live.Kind switch { ResourceKinds.Endpoint => endpoints, ResourceKinds.EndpointConfig => configs, ResourceKinds.Model => models, _ => null };
                if (list is not null && !list.Contains(live.Name)) list.Add(live.Name);
            }
        }
        var groups = endpoints.Select(e => ((string?)e, (string?)null, (string?)null)).ToList();
        groups.AddRange(configs.Select(c => ((string?)null, (string?)c, (string?)null)));
        groups.AddRange(models.Select(m => ((string?)null, (string?)null, (string?)m)));
        return groups;
    }

    /// <summary>
    /// What knn put under the prefix (uploaded data, async requests and results), one folder at a time; the training
    /// jobs' model artifacts (prefix/output) only when asked for, so a later deploy still finds its model.
    /// </summary>
    private async Task<List<StoreUri>> DataPrefixesAsync(CleanupOptions options, KnnState state, ITarget target, CancellationToken cancellationToken)
    {
        var bucket = context.Settings.Bucket ?? state.Bucket;
        if (bucket is null) return [];
        var root = new StoreUri(bucket, context.Settings.Prefix + "/");
        var models = context.OutputPrefix(bucket).Key + "/";
        return [.. (await target.Store.ListAsync(root, cancellationToken))
            .Select(o => o.Uri.Key[root.Key.Length..] is var rest && rest.IndexOf('/') is var slash and > 0 ? root.Key + rest[..(slash + 1)] : o.Uri.Key)
            .Distinct(StringComparer.Ordinal)
            .Where(key => options.IncludeModels || key != models)
            .Order(StringComparer.Ordinal)
            .Select(key => new StoreUri(bucket, key))];
    }

    /// <summary>A dry run sends no delete (the targets print the requests and report each as done), so each would be deleted.</summary>
    private string Outcome(DeleteOutcome outcome) => context.Settings.DryRun ? "would be deleted" : outcome == DeleteOutcome.Deleted ? "deleted" : "not found";
}
