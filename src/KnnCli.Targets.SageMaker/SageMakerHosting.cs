using KnnCli.Core.Errors;
using KnnCli.Core.Settings;
using KnnCli.Core.Targets;
using KnnCli.Targets.SageMaker.Http;
using KnnCli.Targets.SageMaker.SageMaker;

namespace KnnCli.Targets.SageMaker;

/// <summary>Models, endpoint configs and endpoints, waited on with waiters-2.json's EndpointInService / EndpointDeleted timings.</summary>
internal sealed class SageMakerHosting(
    ISageMakerClient sageMaker, Uri runtimeEndpoint, string region, string? defaultRoleArn, bool dryRun, SageMakerTimings timings, ProductionSettings? production = null,
    AutoScaling.ScaleToZero? scaleToZero = null)
    : IHosting
{
    private readonly ProductionSettings _production = production ?? ProductionSettings.None;

    public const string VariantName = "AllTraffic";

    public void CheckCanDeploy(string? roleArn) => RoleFor(roleArn, "Deploying");

    public async Task<EndpointDescription> DeployAsync(DeployRequest request, IWorkflowLog log, CancellationToken cancellationToken)
    {
        var tags = KnnTags.With(_production.Tags, request.Tags);
        await CreateModelAsync(request.ModelName, request.ModelArtifact, request.RoleArn, request.Tags, "Deploying", cancellationToken).ConfigureAwait(false);
        await sageMaker.CreateEndpointConfigAsync(new CreateEndpointConfigRequest
        {
            EndpointConfigName = request.EndpointConfigName,
            ProductionVariants = [Variant(request)],
            AsyncInferenceConfig = AsyncConfig(request.Async, _production.KmsKeyId),
            Tags = tags,
            KmsKeyId = _production.KmsKeyId,
        }, cancellationToken).ConfigureAwait(false);
        await sageMaker.CreateEndpointAsync(new CreateEndpointRequest
        {
            EndpointName = request.EndpointName,
            EndpointConfigName = request.EndpointConfigName,
            Tags = tags,
        }, cancellationToken).ConfigureAwait(false);

        if (dryRun)
        {
            if (request.ScaleToZero) await ScalingFor(request).ConfigureAsync(request.EndpointName, request.InstanceCount, log, cancellationToken).ConfigureAwait(false);
            return new EndpointDescription { EndpointName = request.EndpointName, Status = "DryRun", Url = InvocationUrl(request.EndpointName) };
        }
        log.Info($"Creating endpoint {request.EndpointName} (model {request.ModelName}, endpoint config {request.EndpointConfigName}).");
        var endpoint = await WaitInServiceAsync(request.EndpointName, log, cancellationToken).ConfigureAwait(false);
        // The variant must exist (InService) before Application Auto Scaling can register it.
        if (request.ScaleToZero) await ScalingFor(request).ConfigureAsync(request.EndpointName, request.InstanceCount, log, cancellationToken).ConfigureAwait(false);
        return endpoint;
    }

    /// <summary>CreateModel for the k-NN image: an endpoint's model, or a transform job's.</summary>
    internal async Task CreateModelAsync(string modelName, StoreUri artifact, string? roleArn, IReadOnlyDictionary<string, string> tags, string purpose, CancellationToken cancellationToken)
    {
        var role = RoleFor(roleArn, purpose);
        await sageMaker.CreateModelAsync(new CreateModelRequest
        {
            ModelName = modelName,
            PrimaryContainer = new ContainerDefinition { Image = KnnImageUris.For(region), ModelDataUrl = artifact.ToString() },
            ExecutionRoleArn = role,
            Tags = KnnTags.With(_production.Tags, tags),
            VpcConfig = SageMakerTrainer.Vpc(_production),
            EnableNetworkIsolation = _production.NetworkIsolation ? true : null,
        }, cancellationToken).ConfigureAwait(false);
    }

    private string RoleFor(string? roleArn, string purpose) => roleArn ?? defaultRoleArn
        ?? throw new InputException($"{purpose} on SageMaker needs an execution role: pass --role arn:aws:iam::<account>:role/<name>.");

    private AutoScaling.ScaleToZero ScalingFor(DeployRequest request) =>
        request.Async is null ? throw new InputException("--scale-to-zero needs --async: only asynchronous endpoints scale to zero instances.")
            : scaleToZero ?? throw new InvalidOperationException("This hosting has no Application Auto Scaling client.");

    private static AsyncInferenceConfig? AsyncConfig(AsyncInferenceSettings? settings, string? kmsKeyId) => settings is null ? null : new AsyncInferenceConfig
    {
        ClientConfig = settings.MaxConcurrentInvocationsPerInstance is { } max ? new AsyncInferenceClientConfig { MaxConcurrentInvocationsPerInstance = max } : null,
        OutputConfig = new AsyncInferenceOutputConfig
        {
            KmsKeyId = kmsKeyId,
            S3OutputPath = settings.OutputPath.ToString(),
            S3FailurePath = settings.FailurePath?.ToString(),
            NotificationConfig = settings.SuccessTopic is null && settings.ErrorTopic is null ? null
                : new AsyncInferenceNotificationConfig { SuccessTopic = settings.SuccessTopic, ErrorTopic = settings.ErrorTopic },
        },
    };

    private static AsyncInferenceSettings? FromConfig(AsyncInferenceConfig? config) =>
        config?.OutputConfig.S3OutputPath is { } output && StoreUri.IsStoreUri(output)
            ? new AsyncInferenceSettings
            {
                OutputPath = StoreUri.Parse(output),
                FailurePath = config.OutputConfig.S3FailurePath is { } failure && StoreUri.IsStoreUri(failure) ? StoreUri.Parse(failure) : null,
                SuccessTopic = config.OutputConfig.NotificationConfig?.SuccessTopic,
                ErrorTopic = config.OutputConfig.NotificationConfig?.ErrorTopic,
                MaxConcurrentInvocationsPerInstance = config.ClientConfig?.MaxConcurrentInvocationsPerInstance,
            }
            : null;

    private static ProductionVariant Variant(DeployRequest request) => request.Serverless is { } serverless
        ? new ProductionVariant
        {
            VariantName = VariantName,
            ModelName = request.ModelName,
            ServerlessConfig = new ProductionVariantServerlessConfig
            {
                MemorySizeInMB = serverless.MemorySizeInMb,
                MaxConcurrency = serverless.MaxConcurrency,
                ProvisionedConcurrency = serverless.ProvisionedConcurrency,
            },
        }
        : new ProductionVariant
        {
            VariantName = VariantName,
            ModelName = request.ModelName,
            InstanceType = request.InstanceType,
            InitialInstanceCount = request.InstanceCount,
        };

    private async Task<EndpointDescription> WaitInServiceAsync(string endpointName, IWorkflowLog log, CancellationToken cancellationToken)
    {
        string? lastStatus = null;
        using var wait = log.Wait($"endpoint {endpointName}");
        for (var attempt = 1; ; attempt++)
        {
            var endpoint = await sageMaker.DescribeEndpointAsync(new DescribeEndpointRequest { EndpointName = endpointName }, cancellationToken).ConfigureAwait(false);
            if (endpoint.EndpointStatus != lastStatus)
            {
                lastStatus = endpoint.EndpointStatus;
                log.Info($"Endpoint {endpointName}: {lastStatus}");
                wait.Describe(lastStatus ?? "");
            }
            if (lastStatus == "InService") return await ToDescriptionAsync(endpointName, endpoint, cancellationToken).ConfigureAwait(false);
            if (lastStatus == "Failed")
                throw new RemoteFailureException($"Endpoint {endpointName} failed: {endpoint.FailureReason ?? "no reason given"}");
            if (attempt >= timings.EndpointInServiceMaxAttempts)
                throw new RemoteFailureException($"Endpoint {endpointName} is still {lastStatus} after {attempt} checks {timings.EndpointInServiceDelay.TotalSeconds:0.#} s apart.");
            await Task.Delay(timings.EndpointInServiceDelay, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<EndpointDescription?> DescribeEndpointAsync(string endpointName, CancellationToken cancellationToken)
    {
        try
        {
            var endpoint = await sageMaker.DescribeEndpointAsync(new DescribeEndpointRequest { EndpointName = endpointName }, cancellationToken).ConfigureAwait(false);
            return await ToDescriptionAsync(endpointName, endpoint, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<DeletedResource>> DeleteAsync(string? endpointName, string? endpointConfigName, string? modelName, IWorkflowLog log, CancellationToken cancellationToken)
    {
        var deleted = new List<DeletedResource>();
        if (endpointName is not null)
        {
            // An asynchronous endpoint may scale to zero: its alarm and scalable target go before it does.
            if (scaleToZero is not null && (await DescribeEndpointAsync(endpointName, cancellationToken).ConfigureAwait(false))?.Async is not null)
                await scaleToZero.RemoveAsync(endpointName, cancellationToken).ConfigureAwait(false);
            var outcome = await DeleteOneAsync(() => sageMaker.DeleteEndpointAsync(new DeleteEndpointRequest { EndpointName = endpointName }, cancellationToken)).ConfigureAwait(false);
            if (outcome == DeleteOutcome.Deleted && !dryRun) await WaitDeletedAsync(endpointName, log, cancellationToken).ConfigureAwait(false);
            deleted.Add(new DeletedResource("endpoint", endpointName, outcome));
        }
        if (endpointConfigName is not null)
        {
            var outcome = await DeleteOneAsync(() => sageMaker.DeleteEndpointConfigAsync(new DeleteEndpointConfigRequest { EndpointConfigName = endpointConfigName }, cancellationToken)).ConfigureAwait(false);
            deleted.Add(new DeletedResource("endpoint-config", endpointConfigName, outcome));
        }
        if (modelName is not null)
        {
            var outcome = await DeleteOneAsync(() => sageMaker.DeleteModelAsync(new DeleteModelRequest { ModelName = modelName }, cancellationToken)).ConfigureAwait(false);
            deleted.Add(new DeletedResource("model", modelName, outcome));
        }
        return deleted;
    }

    private static async Task<DeleteOutcome> DeleteOneAsync(Func<Task<EmptyResponse>> delete)
    {
        try
        {
            await delete().ConfigureAwait(false);
            return DeleteOutcome.Deleted;
        }
        catch (AwsServiceException e) when (e.IsNotFound)
        {
            return DeleteOutcome.NotFound;
        }
    }

    private async Task WaitDeletedAsync(string endpointName, IWorkflowLog log, CancellationToken cancellationToken)
    {
        // The spinner appears only once there is something to wait for.
        IProgressReporter? wait = null;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var endpoint = await DescribeEndpointAsync(endpointName, cancellationToken).ConfigureAwait(false);
                if (endpoint is null) return;
                if (endpoint.Status == "Failed")
                    throw new RemoteFailureException($"Deleting endpoint {endpointName} failed: {endpoint.FailureReason ?? "no reason given"}");
                if (attempt == 1)
                {
                    log.Info($"Waiting for endpoint {endpointName} to be deleted ({endpoint.Status}).");
                    wait = log.Wait($"delete endpoint {endpointName}");
                }
                wait?.Describe(endpoint.Status);
                if (attempt >= timings.EndpointDeletedMaxAttempts)
                    throw new RemoteFailureException($"Endpoint {endpointName} is still {endpoint.Status} after {attempt} checks {timings.EndpointDeletedDelay.TotalSeconds:0.#} s apart.");
                await Task.Delay(timings.EndpointDeletedDelay, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            wait?.Dispose();
        }
    }

    public async Task<IReadOnlyList<LiveResource>> ListLiveAsync(CancellationToken cancellationToken)
    {
        var live = new List<LiveResource>();
        await CollectTaggedAsync(live,
            async token =>
            {
                var page = await sageMaker.ListEndpointsAsync(new ListEndpointsRequest { NextToken = token, MaxResults = 100 }, cancellationToken).ConfigureAwait(false);
                return (page.Endpoints.Select(e => (e.EndpointArn, new LiveResource("endpoint", e.EndpointName ?? "", e.EndpointStatus ?? "", e.CreationTime))), page.NextToken);
            },
            cancellationToken).ConfigureAwait(false);
        await CollectTaggedAsync(live,
            async token =>
            {
                var page = await sageMaker.ListEndpointConfigsAsync(new ListEndpointConfigsRequest { NextToken = token, MaxResults = 100 }, cancellationToken).ConfigureAwait(false);
                return (page.EndpointConfigs.Select(c => (c.EndpointConfigArn, new LiveResource("endpoint-config", c.EndpointConfigName ?? "", "Exists", c.CreationTime))), page.NextToken);
            },
            cancellationToken).ConfigureAwait(false);
        await CollectTaggedAsync(live,
            async token =>
            {
                var page = await sageMaker.ListModelsAsync(new ListModelsRequest { NextToken = token, MaxResults = 100 }, cancellationToken).ConfigureAwait(false);
                return (page.Models.Select(m => (m.ModelArn, new LiveResource("model", m.ModelName ?? "", "Exists", m.CreationTime))), page.NextToken);
            },
            cancellationToken).ConfigureAwait(false);
        await CollectTaggedAsync(live,
            async token =>
            {
                var page = await sageMaker.ListTrainingJobsAsync(new ListTrainingJobsRequest { StatusEquals = "InProgress", NextToken = token, MaxResults = 100 }, cancellationToken).ConfigureAwait(false);
                return (page.TrainingJobSummaries.Select(j => (j.TrainingJobArn, new LiveResource("training-job", j.TrainingJobName ?? "", j.TrainingJobStatus ?? "", j.CreationTime))), page.NextToken);
            },
            cancellationToken).ConfigureAwait(false);
        return live;
    }

    /// <summary>Pages through one List* operation and keeps the resources that carry knn's tag.</summary>
    private async Task CollectTaggedAsync(
        List<LiveResource> live,
        Func<string?, Task<(IEnumerable<(string? Arn, LiveResource Resource)> Items, string? NextToken)>> listPage,
        CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var (items, next) = await listPage(token).ConfigureAwait(false);
            foreach (var (arn, resource) in items)
            {
                if (await IsKnnAsync(arn, cancellationToken).ConfigureAwait(false)) live.Add(resource);
            }
            token = next;
        }
        while (token is not null);
    }

    private async Task<bool> IsKnnAsync(string? arn, CancellationToken cancellationToken)
    {
        if (arn is null) return false;
        string? token = null;
        do
        {
            ListTagsResponse page;
            try
            {
                page = await sageMaker.ListTagsAsync(new ListTagsRequest { ResourceArn = arn, NextToken = token }, cancellationToken).ConfigureAwait(false);
            }
            catch (AwsServiceException e) when (e.IsNotFound)
            {
                return false; // Deleted between the list and this look.
            }
            if (KnnTags.IsKnn(page.Tags)) return true;
            token = page.NextToken;
        }
        while (token is not null);
        return false;
    }

    private async Task<EndpointDescription> ToDescriptionAsync(string endpointName, DescribeEndpointResponse endpoint, CancellationToken cancellationToken) => new()
    {
        EndpointName = endpoint.EndpointName ?? endpointName,
        Status = endpoint.EndpointStatus ?? "",
        FailureReason = endpoint.FailureReason,
        Url = InvocationUrl(endpointName),
        Serverless = endpoint.ProductionVariants?.Any(v => v.CurrentServerlessConfig is not null) == true,
        Async = FromConfig(endpoint.AsyncInferenceConfig ?? await EndpointConfigAsyncAsync(endpoint.EndpointConfigName, cancellationToken).ConfigureAwait(false)),
    };

    /// <summary>
    /// The endpoint config's AsyncInferenceConfig, for services whose DescribeEndpoint leaves it out (moto does;
    /// SageMaker reports it on the endpoint). Null when the config is gone or not asynchronous.
    /// </summary>
    private async Task<AsyncInferenceConfig?> EndpointConfigAsyncAsync(string? endpointConfigName, CancellationToken cancellationToken)
    {
        if (endpointConfigName is null) return null;
        try
        {
            var config = await sageMaker.DescribeEndpointConfigAsync(new DescribeEndpointConfigRequest { EndpointConfigName = endpointConfigName }, cancellationToken).ConfigureAwait(false);
            return config.AsyncInferenceConfig;
        }
        catch (AwsServiceException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    private string InvocationUrl(string endpointName) =>
        new Uri(runtimeEndpoint, $"endpoints/{Uri.EscapeDataString(endpointName)}/invocations").ToString();
}
