using KnnCli.Core.Targets;
using KnnCli.Targets.SageMaker.Aws;
using KnnCli.Targets.SageMaker.Http;
using KnnCli.Targets.SageMaker.Runtime;

namespace KnnCli.Targets.SageMaker;

/// <summary>InvokeEndpoint, riding out ModelNotReadyException (serverless cold starts), which the SDKs' standard mode never retries.</summary>
internal sealed class SageMakerEndpointRuntime(ISageMakerRuntimeClient runtime, RetryOptions retry) : IEndpointRuntime
{
    public async Task<InvocationResult> InvokeAsync(string endpointName, ReadOnlyMemory<byte> body, string contentType, string accept, CancellationToken cancellationToken)
    {
        var request = new InvokeEndpointRequest { EndpointName = endpointName, Body = body, ContentType = contentType, Accept = accept };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var response = await runtime.InvokeEndpointAsync(request, cancellationToken).ConfigureAwait(false);
                return new InvocationResult(response.Body, response.ContentType ?? accept);
            }
            catch (AwsServiceException e) when (e.ErrorCode == "ModelNotReadyException" && attempt < retry.ModelNotReadyAttempts)
            {
                await Task.Delay(retry.Backoff(attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task<QueuedInvocation> QueueAsync(string endpointName, StoreUri input, string contentType, string accept, CancellationToken cancellationToken)
    {
        var response = await runtime.InvokeEndpointAsyncAsync(new InvokeEndpointAsyncRequest
        {
            EndpointName = endpointName,
            InputLocation = input.ToString(),
            ContentType = contentType,
            Accept = accept,
        }, cancellationToken).ConfigureAwait(false);
        var output = response.OutputLocation is { } location && StoreUri.IsStoreUri(location)
            ? StoreUri.Parse(location)
            : throw new AwsServiceException(AwsService.SageMakerRuntime, "InvokeEndpointAsync", 202, "InvalidResponse", $"the answer names no s3:// output location ({response.OutputLocation ?? "none"})", null);
        var failure = response.FailureLocation is { } failed && StoreUri.IsStoreUri(failed) ? StoreUri.Parse(failed) : (StoreUri?)null;
        return new QueuedInvocation(response.InferenceId ?? "", output, failure);
    }
}
