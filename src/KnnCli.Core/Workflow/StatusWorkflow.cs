using System.Text.Json.Serialization;
using KnnCli.Core.State;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Workflow;

public sealed record StatusResult(
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("state")] KnnState State,
    [property: JsonPropertyName("endpoint")] EndpointDescription? Endpoint,
    [property: JsonPropertyName("live")] IReadOnlyList<LiveResource> Live);

/// <summary>status: what the state knows, and what knn made that is still live (and may be costing money).</summary>
public sealed class StatusWorkflow(WorkflowContext context)
{
    public async Task<StatusResult> RunAsync(CancellationToken cancellationToken)
    {
        var state = await context.State.LoadAsync(cancellationToken);
        await using var target = context.CreateTarget();
        var endpoint = state.EndpointName is null ? null : await target.Hosting.DescribeEndpointAsync(state.EndpointName, cancellationToken);
        var live = await target.Hosting.ListLiveAsync(cancellationToken);
        return new StatusResult(target.Name, state, endpoint, live);
    }
}
