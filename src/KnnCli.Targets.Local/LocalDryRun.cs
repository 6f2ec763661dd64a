using KnnCli.Core.Targets;

namespace KnnCli.Targets.Local;

/// <summary>
/// --dry-run on the local target: every change the store, trainer or hosting would make is printed and none is
/// made. Reads still go to the real store so the plan is accurate.
/// </summary>
internal sealed class LocalDryRun(IObjectStore store, IHosting hosting, IWorkflowLog log) : IObjectStore, ITrainer, IHosting
{
    private void Would(string action) => log.Info($"[dry-run] would {action}");

    public Task PutFileAsync(string localPath, StoreUri destination, string contentType, IProgressReporter? progress, CancellationToken cancellationToken)
    {
        Would($"copy {localPath} to {destination} ({contentType})");
        return Task.CompletedTask;
    }

    public Task GetFileAsync(StoreUri source, string localPath, CancellationToken cancellationToken)
    {
        Would($"copy {source} to {localPath}");
        return Task.CompletedTask;
    }

    public Task<Stream> OpenReadAsync(StoreUri source, CancellationToken cancellationToken) => store.OpenReadAsync(source, cancellationToken);

    public Task PutStreamAsync(Stream content, StoreUri destination, string contentType, CancellationToken cancellationToken)
    {
        Would($"write {destination} ({contentType})");
        return Task.CompletedTask;
    }

    public Task<bool> ExistsAsync(StoreUri uri, CancellationToken cancellationToken) => store.ExistsAsync(uri, cancellationToken);

    public Task EnsureBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        Would($"create bucket {bucket} if absent");
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<StoreObject>> ListAsync(StoreUri prefix, CancellationToken cancellationToken) => store.ListAsync(prefix, cancellationToken);

    public Task<int> DeletePrefixAsync(StoreUri prefix, CancellationToken cancellationToken)
    {
        Would($"delete every object under {prefix}");
        return Task.FromResult(0);
    }

    public Task<TrainingResult> TrainAsync(TrainingRequest request, bool wait, IWorkflowLog log, CancellationToken cancellationToken)
    {
        Would($"run training job {request.JobName}: train {request.Train}, test {request.Test?.ToString() ?? "none"}, model to {request.OutputPath.Append($"{request.JobName}/output/model.tar.gz")}");
        return Task.FromResult(new TrainingResult { JobName = request.JobName, Status = TrainingStatus.InProgress });
    }

    public Task<TrainingResult> WaitAsync(string jobName, IWorkflowLog log, CancellationToken cancellationToken) =>
        Task.FromResult(new TrainingResult { JobName = jobName, Status = TrainingStatus.InProgress });

    public async IAsyncEnumerable<string> ReadLogAsync(string jobName, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Would($"print the log of training job {jobName}");
        await Task.CompletedTask;
        yield break;
    }

    public Task StopAsync(string jobName, CancellationToken cancellationToken)
    {
        Would($"stop training job {jobName}");
        return Task.CompletedTask;
    }

    public Task<EndpointDescription> DeployAsync(DeployRequest request, IWorkflowLog log, CancellationToken cancellationToken)
    {
        Would($"create model {request.ModelName} from {request.ModelArtifact}, endpoint config {request.EndpointConfigName}, and endpoint {request.EndpointName} (knn serve on 127.0.0.1)");
        return Task.FromResult(new EndpointDescription { EndpointName = request.EndpointName, Status = "Creating" });
    }

    public Task<EndpointDescription?> DescribeEndpointAsync(string endpointName, CancellationToken cancellationToken) =>
        hosting.DescribeEndpointAsync(endpointName, cancellationToken);

    public Task<IReadOnlyList<DeletedResource>> DeleteAsync(string? endpointName, string? endpointConfigName, string? modelName, IWorkflowLog log, CancellationToken cancellationToken)
    {
        Would($"delete endpoint {endpointName ?? "-"}, endpoint config {endpointConfigName ?? "-"}, model {modelName ?? "-"}");
        // Reported as the real delete reports them, so cleanup can list what it would delete.
        IReadOnlyList<DeletedResource> planned = new[] { ("endpoint", endpointName), ("endpoint-config", endpointConfigName), ("model", modelName) }
            .Where(r => r.Item2 is not null).Select(r => new DeletedResource(r.Item1, r.Item2!, DeleteOutcome.Deleted)).ToList();
        return Task.FromResult(planned);
    }

    public Task<IReadOnlyList<LiveResource>> ListLiveAsync(CancellationToken cancellationToken) => hosting.ListLiveAsync(cancellationToken);
}
