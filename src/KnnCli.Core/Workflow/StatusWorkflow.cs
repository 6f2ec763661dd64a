using System.Text.Json.Serialization;
using KnnCli.Core.State;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Workflow;

public sealed record StatusResult(
    [property: JsonPropertyName("target")] string Target,
    // Null in a folder where knn has recorded nothing yet; printed as null, not left out, so readers can test for it.
    [property: JsonPropertyName("state"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] KnnState? State,
    [property: JsonPropertyName("endpoint")] EndpointDescription? Endpoint,
    [property: JsonPropertyName("live")] IReadOnlyList<LiveResource> Live)
{
    /// <summary>Resources the state records that the target no longer has (deleted elsewhere); cleanup forgets them.</summary>
    [JsonPropertyName("recorded_not_found")] public IReadOnlyList<KnnResource> RecordedNotFound { get; init; } = [];

    /// <summary>Live resources knn tagged that this folder's state does not record: only `cleanup --all` deletes them.</summary>
    [JsonPropertyName("not_recorded")] public IReadOnlyList<LiveResource> NotRecorded { get; init; } = [];
}

/// <summary>status: what the state knows, and what knn made that is still live (and may be costing money).</summary>
public sealed class StatusWorkflow(WorkflowContext context)
{
    public async Task<StatusResult> RunAsync(CancellationToken cancellationToken)
    {
        // A folder knn never ran in has no state to show (and looking creates none); the target is still asked what
        // knn tagged there, which no folder may have recorded.
        var recorded = context.State.Exists;
        var state = await context.State.LoadAsync(cancellationToken);
        await using var target = context.CreateTarget();
        var endpoint = state.EndpointName is null ? null : await target.Hosting.DescribeEndpointAsync(state.EndpointName, cancellationToken);
        var live = await target.Hosting.ListLiveAsync(cancellationToken);
        var resources = state.Resources ?? [];
        return new StatusResult(target.Name, recorded ? state : null, endpoint, live)
        {
            RecordedNotFound = [.. resources.Where(r => !live.Any(l => r.Is(l.Kind, l.Name)))],
            NotRecorded = [.. live.Where(l => l.Kind != ResourceKinds.TrainingJob && !resources.Any(r => r.Is(l.Kind, l.Name)))],
        };
    }
}
