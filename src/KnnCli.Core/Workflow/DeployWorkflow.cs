using System.Text.Json.Serialization;
using KnnCli.Core.Errors;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Workflow;

public sealed record DeployOptions
{
    public string? ModelName { get; init; }
    public string? EndpointName { get; init; }
    public string? InstanceType { get; init; }
    public int? InstanceCount { get; init; }
    public int? ServerlessMemory { get; init; }
    public int? MaxConcurrency { get; init; }
    public int? ProvisionedConcurrency { get; init; }
}

public sealed record DeployResult(
    [property: JsonPropertyName("model_name")] string ModelName,
    [property: JsonPropertyName("endpoint_config_name")] string EndpointConfigName,
    [property: JsonPropertyName("endpoint_name")] string EndpointName,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("server_pid")] int? ServerPid);

/// <summary>deploy: model + endpoint config + endpoint from the trained artifact, waiting until InService.</summary>
public sealed class DeployWorkflow(WorkflowContext context)
{
    public async Task<DeployResult> RunAsync(DeployOptions options, CancellationToken cancellationToken)
    {
        CheckNames(options, context);
        var state = await context.State.LoadAsync(cancellationToken);
        var artifact = state.ModelArtifactUri
            ?? throw new InputException("No trained model: run `knn train` first.");
        var baseName = state.TrainingJobName ?? WorkflowContext.UniqueName("knn");
        if (options.MaxConcurrency is not null && options.ServerlessMemory is null)
            throw new InputException("--max-concurrency needs --serverless-memory (a serverless endpoint).");
        var maxConcurrency = options.MaxConcurrency ?? 5;
        if (options.ProvisionedConcurrency is { } provisioned)
        {
            if (options.ServerlessMemory is null)
                throw new InputException("--provisioned-concurrency needs --serverless-memory (a serverless endpoint).");
            if (provisioned < 1 || provisioned > maxConcurrency)
                throw new InputException($"--provisioned-concurrency {provisioned}: use 1 to the endpoint's --max-concurrency ({maxConcurrency}).");
        }
        var request = new DeployRequest
        {
            ModelName = options.ModelName ?? baseName,
            EndpointConfigName = options.EndpointName ?? baseName,
            EndpointName = options.EndpointName ?? baseName,
            ModelArtifact = StoreUri.Parse(artifact),
            InstanceType = options.InstanceType ?? DeployRequest.DefaultInstanceType,
            InstanceCount = options.InstanceCount ?? 1,
            Serverless = options.ServerlessMemory is { } memory ? new ServerlessSettings(memory, maxConcurrency, options.ProvisionedConcurrency) : null,
            RoleArn = context.Settings.RoleArn,
        };

        await using var target = context.CreateTarget();
        // SageMaker refuses to create an endpoint whose name is taken, whatever its status; both targets say so
        // before creating anything, so the running endpoint is neither replaced nor left beside a half-made twin.
        if (await target.Hosting.DescribeEndpointAsync(request.EndpointName, cancellationToken) is { } existing)
            throw new InputException($"Endpoint {request.EndpointName} already exists ({existing.Status}); delete it with `knn cleanup --endpoint-name {request.EndpointName}` or pass another --endpoint-name.");
        if (Spend(options, "it bills until `knn cleanup` deletes it") is { } spend) await context.Costs.ConfirmAsync(context, "deploy", [spend], cancellationToken);
        context.Log.Info($"Deploying {request.ModelArtifact} as endpoint {request.EndpointName} on {target.Name}");
        var endpoint = await target.Hosting.DeployAsync(request, context.Log, cancellationToken);
        if (!context.Settings.DryRun)
        {
            await context.State.UpdateAsync(s => s with
            {
                ModelName = request.ModelName,
                EndpointConfigName = request.EndpointConfigName,
                EndpointName = request.EndpointName,
                EndpointUrl = endpoint.Url,
                ServerPid = endpoint.ProcessId,
            }, cancellationToken);
        }
        if (endpoint.Status == "Failed")
            throw new RemoteFailureException($"Endpoint {request.EndpointName} failed: {endpoint.FailureReason ?? "no reason given"}");
        return new DeployResult(request.ModelName, request.EndpointConfigName, request.EndpointName, endpoint.Status, endpoint.Url, endpoint.ProcessId);
    }

    /// <summary>An endpoint's instances, which nothing stops (<paramref name="limit"/> says what ends them); none for a serverless endpoint.</summary>
    public static InstanceSpend? Spend(DeployOptions options, string limit) => options.ServerlessMemory is null
        ? new InstanceSpend("endpoint", options.InstanceType ?? DeployRequest.DefaultInstanceType, options.InstanceCount ?? 1, null, limit)
        : null;

    /// <summary>The given model and endpoint names and the role follow SageMaker's rules, on every target, before any call.</summary>
    public static void CheckNames(DeployOptions options, WorkflowContext context)
    {
        ResourceNames.Model.Check("--model-name", options.ModelName);
        ResourceNames.Endpoint.Check("--endpoint-name", options.EndpointName);
        ResourceNames.EndpointConfig.Check("--endpoint-name", options.EndpointName);
        ResourceNames.Role.Check("--role", context.Settings.RoleArn);
    }
}
