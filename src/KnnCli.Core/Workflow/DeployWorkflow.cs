using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using KnnCli.Core.Errors;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Workflow;

public sealed record DeployOptions
{
    /// <summary>A model artifact to deploy instead of the last job's (the SDK's KNNModel(model_data=…)): s3://… or a local model.tar.gz.</summary>
    public string? ModelData { get; init; }
    public string? ModelName { get; init; }
    public string? EndpointName { get; init; }
    public string? InstanceType { get; init; }
    public int? InstanceCount { get; init; }
    public int? ServerlessMemory { get; init; }
    public int? MaxConcurrency { get; init; }
    public int? ProvisionedConcurrency { get; init; }
    /// <summary>An asynchronous endpoint (queued requests, results in the store).</summary>
    public bool Async { get; init; }
    /// <summary>Where results go (s3://…); default s3://bucket/prefix/async-endpoint-outputs/&lt;endpoint&gt;.</summary>
    public string? Output { get; init; }
    /// <summary>Where failures go (s3://…); default s3://bucket/prefix/async-endpoint-failures/&lt;endpoint&gt;.</summary>
    public string? FailureOutput { get; init; }
    public string? SuccessTopic { get; init; }
    public string? ErrorTopic { get; init; }
    public int? MaxConcurrentInvocations { get; init; }
    public bool ScaleToZero { get; init; }
}

public sealed record DeployResult(
    [property: JsonPropertyName("model_name")] string ModelName,
    [property: JsonPropertyName("endpoint_config_name")] string EndpointConfigName,
    [property: JsonPropertyName("endpoint_name")] string EndpointName,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("server_pid")] int? ServerPid)
{
    /// <summary>An asynchronous endpoint's result path (null for a real-time or serverless endpoint).</summary>
    [JsonPropertyName("async_output")] public string? AsyncOutput { get; init; }

    [JsonPropertyName("async_failure_output")] public string? AsyncFailureOutput { get; init; }
}

/// <summary>deploy: model + endpoint config + endpoint from the trained artifact, waiting until InService.</summary>
public sealed partial class DeployWorkflow(WorkflowContext context)
{
    public async Task<DeployResult> RunAsync(DeployOptions options, CancellationToken cancellationToken)
    {
        CheckNames(options, context);
        ValidateAsyncOptions(options);
        var state = await context.State.LoadAsync(cancellationToken);
        var artifact = options.ModelData ?? state.ModelArtifactUri ?? throw NoModel(state);
        var baseName = options.ModelData is null ? state.TrainingJobName ?? WorkflowContext.UniqueName("knn") : WorkflowContext.UniqueName("knn-model");
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
        var endpointName = options.EndpointName ?? baseName;
        await using var target = context.CreateTarget();
        target.Hosting.CheckCanDeploy(context.Settings.RoleArn);
        await EnsureNameFreeAsync(target, endpointName, cancellationToken);
        var modelArtifact = options.ModelData is { } given ? await ModelSource.ToStoreAsync(context, target, state, given, "--model-data", cancellationToken) : StoreUri.Parse(artifact);
        var request = new DeployRequest
        {
            ModelName = options.ModelName ?? baseName,
            EndpointConfigName = options.EndpointName ?? baseName,
            EndpointName = endpointName,
            ModelArtifact = modelArtifact,
            InstanceType = options.InstanceType ?? DeployRequest.DefaultInstanceType,
            InstanceCount = options.InstanceCount ?? 1,
            Serverless = options.ServerlessMemory is { } memory ? new ServerlessSettings(memory, maxConcurrency, options.ProvisionedConcurrency) : null,
            Async = options.Async ? await AsyncSettingsAsync(options, endpointName, target, state, cancellationToken) : null,
            ScaleToZero = options.ScaleToZero,
            RoleArn = context.Settings.RoleArn,
            Tags = context.Settings.Production.Tags,
        };

        if (Spend(options, "it bills until `knn cleanup` deletes it") is { } spend) await context.Costs.ConfirmAsync(context, "deploy", [spend], cancellationToken);
        context.Log.Info($"Deploying {request.ModelArtifact} as endpoint {request.EndpointName} on {target.Name}");
        // Recorded before the first create call: whatever Ctrl-C, a crash or a failure leaves behind, cleanup finds.
        DateTimeOffset? created = context.Settings.DryRun ? null : DateTimeOffset.UtcNow;
        var endpointResource = new State.KnnResource
        {
            Kind = State.ResourceKinds.Endpoint, Name = request.EndpointName, Created = created,
            EndpointConfigName = request.EndpointConfigName, ModelName = request.ModelName,
        };
        if (!context.Settings.DryRun)
        {
            await context.State.UpdateAsync(s => s
                .WithResource(new State.KnnResource { Kind = State.ResourceKinds.Model, Name = request.ModelName, Created = created })
                .WithResource(new State.KnnResource { Kind = State.ResourceKinds.EndpointConfig, Name = request.EndpointConfigName, Created = created, ModelName = request.ModelName })
                .WithResource(endpointResource), cancellationToken);
        }
        var endpoint = await target.Hosting.DeployAsync(request, context.Log, cancellationToken);
        if (!context.Settings.DryRun)
        {
            await context.State.UpdateAsync(s => s.WithResource(endpointResource with { Url = endpoint.Url, ServerPid = endpoint.ProcessId }) with
            {
                ModelName = request.ModelName,
                EndpointConfigName = request.EndpointConfigName,
                EndpointName = request.EndpointName,
                EndpointUrl = endpoint.Url,
                ServerPid = endpoint.ProcessId,
            }, CancellationToken.None);
        }
        if (endpoint.Status == "Failed")
            throw new RemoteFailureException($"Endpoint {request.EndpointName} failed: {endpoint.FailureReason ?? "no reason given"}");
        return new DeployResult(request.ModelName, request.EndpointConfigName, request.EndpointName, endpoint.Status, endpoint.Url, endpoint.ProcessId)
        {
            AsyncOutput = request.Async?.OutputPath.ToString(),
            AsyncFailureOutput = request.Async?.FailurePath?.ToString(),
        };
    }

    /// <summary>
    /// SageMaker refuses to create an endpoint whose name is taken, whatever its status; both targets say so before
    /// creating anything, so the running endpoint is neither replaced nor left beside a half-made twin (nor, in
    /// knn run, deleted by the cleanup of a run that never made it).
    /// </summary>
    internal static async Task EnsureNameFreeAsync(ITarget target, string endpointName, CancellationToken cancellationToken)
    {
        if (await target.Hosting.DescribeEndpointAsync(endpointName, cancellationToken) is { } existing)
            throw new InputException($"Endpoint {endpointName} already exists ({existing.Status}); delete it with `knn cleanup --endpoint-name {endpointName}` or pass another --endpoint-name.");
    }

    /// <summary>Why there is no model to deploy: the latest job has none (yet), or nothing was trained.</summary>
    private static InputException NoModel(State.KnnState state) => state.TrainingJobStatus switch
    {
        "InProgress" or "Stopping" => new($"Training job {state.TrainingJobName} is {state.TrainingJobStatus}: wait for it with `knn wait`, then deploy."),
        "Failed" => new($"Training job {state.TrainingJobName} failed, so it has no model: fix the cause it reported and run `knn train` again."),
        "Stopped" => new($"Training job {state.TrainingJobName} was stopped before it made a model: run `knn train` again."),
        _ => new("No trained model: run `knn train` first."),
    };

    /// <summary>SNS topic ARNs as the SageMaker model's SnsTopicArn pattern allows them.</summary>
    [GeneratedRegex(@"^arn:aws[a-z\-]*:sns:[a-z0-9\-]*:[0-9]{12}:[a-zA-Z0-9_.-]+$")]
    private static partial Regex SnsTopicArn();

    /// <summary>The async options' rules, checked before any call (AsyncInferenceConfig's limits in the SageMaker model).</summary>
    private static void ValidateAsyncOptions(DeployOptions options)
    {
        if (!options.Async)
        {
            var given = new (string Name, bool Set)[]
            {
                ("--output", options.Output is not null), ("--failure-output", options.FailureOutput is not null),
                ("--success-topic", options.SuccessTopic is not null), ("--error-topic", options.ErrorTopic is not null),
                ("--max-concurrent-invocations", options.MaxConcurrentInvocations is not null), ("--scale-to-zero", options.ScaleToZero),
            }.Where(o => o.Set).Select(o => o.Name).ToArray();
            if (given.Length > 0) throw new InputException($"{string.Join(", ", given)} {(given.Length == 1 ? "belongs" : "belong")} to an asynchronous endpoint: add --async.");
            return;
        }
        if (options.ServerlessMemory is not null)
            throw new InputException("--async and --serverless-memory exclude each other: an asynchronous endpoint runs on instances.");
        foreach (var (name, value) in new[] { ("--output", options.Output), ("--failure-output", options.FailureOutput) })
        {
            if (value is null) continue;
            var uri = StoreUri.Parse(value);
            if (value.Length > 512) throw new InputException($"{name}: at most 512 characters ({value.Length} given).");
            if (uri.Key.Length == 0) throw new InputException($"{name} {ErrorText.Excerpt(value)}: give a key prefix too, e.g. s3://{uri.Bucket}/async-results.");
        }
        foreach (var (name, value) in new[] { ("--success-topic", options.SuccessTopic), ("--error-topic", options.ErrorTopic) })
        {
            if (value is not null && (value.Length > 2048 || !SnsTopicArn().IsMatch(value)))
                throw new InputException($"{name} {ErrorText.Excerpt(value)}: expected an SNS topic ARN, arn:aws:sns:<region>:<account>:<topic>.");
        }
        if (options.MaxConcurrentInvocations is { } max && (max < 1 || max > 1000))
            throw new InputException($"--max-concurrent-invocations {max}: use 1 to 1000.");
    }

    /// <summary>The AsyncInferenceConfig: given paths, or the SageMaker Python SDK's defaults under this bucket and prefix.</summary>
    private async Task<AsyncInferenceSettings> AsyncSettingsAsync(DeployOptions options, string endpointName, ITarget target, State.KnnState state, CancellationToken cancellationToken)
    {
        var bucket = options.Output is null || options.FailureOutput is null ? await context.ResolveBucketAsync(target, state, cancellationToken) : null;
        if (bucket is not null && !context.Settings.DryRun) await target.Store.EnsureBucketAsync(bucket, cancellationToken);
        var output = options.Output is { } given ? StoreUri.Parse(given) : new StoreUri(bucket!, $"{context.Settings.Prefix}/async-endpoint-outputs/{endpointName}");
        var failure = options.FailureOutput is { } givenFailure ? StoreUri.Parse(givenFailure) : new StoreUri(bucket!, $"{context.Settings.Prefix}/async-endpoint-failures/{endpointName}");
        return new AsyncInferenceSettings
        {
            OutputPath = output,
            FailurePath = failure,
            SuccessTopic = options.SuccessTopic,
            ErrorTopic = options.ErrorTopic,
            MaxConcurrentInvocationsPerInstance = options.MaxConcurrentInvocations,
        };
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
