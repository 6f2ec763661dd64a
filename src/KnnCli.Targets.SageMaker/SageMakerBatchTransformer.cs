using System.Diagnostics;
using KnnCli.Core.Errors;
using KnnCli.Core.Settings;
using KnnCli.Core.Targets;
using KnnCli.Targets.SageMaker.SageMaker;

namespace KnnCli.Targets.SageMaker;

/// <summary>
/// Batch Transform jobs for the built-in k-NN image, like the Python SDK's Transformer.transform(wait=True): CSV rows
/// split by line, batched up to 6 MB, predictions assembled by line in input order.
/// </summary>
internal sealed class SageMakerBatchTransformer(ISageMakerClient sageMaker, SageMakerHosting hosting, bool dryRun, SageMakerTimings timings, ProductionSettings production)
    : IBatchTransformer
{
    public async Task<BatchTransformResult> TransformAsync(BatchTransformRequest request, IWorkflowLog log, CancellationToken cancellationToken)
    {
        await hosting.CreateModelAsync(request.ModelName, request.ModelArtifact, request.RoleArn, request.Tags, "Batch transform", cancellationToken).ConfigureAwait(false);
        await sageMaker.CreateTransformJobAsync(CreateRequest(request), cancellationToken).ConfigureAwait(false);
        if (dryRun) return new BatchTransformResult(request.JobName, "DryRun", null);

        log.Info($"Started transform job {request.JobName} ({request.InstanceCount} × {request.InstanceType}).");
        try
        {
            return await WaitAsync(request, log, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Nothing can attach to a transform job again, so one left running would bill unseen until its input is done.
            log.Warn($"Stopping transform job {request.JobName}…");
            await StopAsync(request.JobName).ConfigureAwait(false);
            log.Warn($"Transform job {request.JobName} is stopping; its partial output stays under {request.Output}.");
            throw;
        }
    }

    internal CreateTransformJobRequest CreateRequest(BatchTransformRequest request) => new()
    {
        TransformJobName = request.JobName,
        ModelName = request.ModelName,
        MaxPayloadInMB = BatchTransformRequest.MaxPayloadInMb,
        BatchStrategy = "MultiRecord",
        TransformInput = new TransformInput
        {
            DataSource = new TransformDataSource { S3DataSource = new TransformS3DataSource { S3DataType = "S3Prefix", S3Uri = request.Input.ToString() } },
            ContentType = "text/csv",
            SplitType = "Line",
        },
        TransformOutput = new TransformOutput
        {
            S3OutputPath = request.Output.ToString(),
            Accept = request.Accept,
            AssembleWith = "Line",
            KmsKeyId = production.KmsKeyId,
        },
        TransformResources = new TransformResources { InstanceType = request.InstanceType, InstanceCount = request.InstanceCount, VolumeKmsKeyId = production.KmsKeyId },
        DataProcessing = request.InputFilter is null && !request.JoinInput
            ? null
            : new DataProcessing { InputFilter = request.InputFilter, JoinSource = request.JoinInput ? "Input" : null },
        Tags = KnnTags.With(production.Tags, request.Tags),
    };

    /// <summary>waiters-2.json TransformJobCompletedOrStopped (Completed and Stopped end it, Failed fails it), polled as often as the SDK polls, up to the max runtime.</summary>
    private async Task<BatchTransformResult> WaitAsync(BatchTransformRequest request, IWorkflowLog log, CancellationToken cancellationToken)
    {
        using var wait = log.Wait($"transform job {request.JobName}");
        var watch = Stopwatch.StartNew();
        string? lastStatus = null;
        var stopRequested = false;
        while (true)
        {
            var job = await sageMaker.DescribeTransformJobAsync(new DescribeTransformJobRequest { TransformJobName = request.JobName }, cancellationToken).ConfigureAwait(false);
            if (job.TransformJobStatus != lastStatus)
            {
                lastStatus = job.TransformJobStatus;
                log.Info($"Transform job {request.JobName}: {lastStatus}");
                wait.Describe(lastStatus ?? "");
            }
            if (lastStatus is "Completed" or "Stopped" or "Failed") return new BatchTransformResult(request.JobName, lastStatus, job.FailureReason);
            if (!stopRequested && watch.Elapsed > request.MaxRuntime)
            {
                log.Warn($"Transform job {request.JobName} has run longer than --max-run ({request.MaxRuntime.TotalSeconds:0} s): stopping it.");
                await StopAsync(request.JobName).ConfigureAwait(false);
                stopRequested = true;
            }
            await Task.Delay(timings.TransformStatusInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Not cancellable: it runs because the user cancelled, and must reach the service.</summary>
    private Task StopAsync(string jobName) =>
        sageMaker.StopTransformJobAsync(new StopTransformJobRequest { TransformJobName = jobName }, CancellationToken.None);
}
