namespace KnnCli.Targets.SageMaker.SageMaker;

/// <summary>The SageMaker control-plane operations knn uses, shaped like AWSSDK.SageMaker's IAmazonSageMaker.</summary>
public partial interface ISageMakerClient
{
    Task<CreateTrainingJobResponse> CreateTrainingJobAsync(CreateTrainingJobRequest request, CancellationToken cancellationToken);
    Task<DescribeTrainingJobResponse> DescribeTrainingJobAsync(DescribeTrainingJobRequest request, CancellationToken cancellationToken);
    Task<EmptyResponse> StopTrainingJobAsync(StopTrainingJobRequest request, CancellationToken cancellationToken);
    Task<ListTrainingJobsResponse> ListTrainingJobsAsync(ListTrainingJobsRequest request, CancellationToken cancellationToken);
    Task<CreateModelResponse> CreateModelAsync(CreateModelRequest request, CancellationToken cancellationToken);
    Task<EmptyResponse> DeleteModelAsync(DeleteModelRequest request, CancellationToken cancellationToken);
    Task<ListModelsResponse> ListModelsAsync(ListModelsRequest request, CancellationToken cancellationToken);
    Task<CreateEndpointConfigResponse> CreateEndpointConfigAsync(CreateEndpointConfigRequest request, CancellationToken cancellationToken);
    Task<DescribeEndpointConfigResponse> DescribeEndpointConfigAsync(DescribeEndpointConfigRequest request, CancellationToken cancellationToken);
    Task<EmptyResponse> DeleteEndpointConfigAsync(DeleteEndpointConfigRequest request, CancellationToken cancellationToken);
    Task<ListEndpointConfigsResponse> ListEndpointConfigsAsync(ListEndpointConfigsRequest request, CancellationToken cancellationToken);
    Task<CreateEndpointResponse> CreateEndpointAsync(CreateEndpointRequest request, CancellationToken cancellationToken);
    Task<DescribeEndpointResponse> DescribeEndpointAsync(DescribeEndpointRequest request, CancellationToken cancellationToken);
    Task<EmptyResponse> DeleteEndpointAsync(DeleteEndpointRequest request, CancellationToken cancellationToken);
    Task<ListEndpointsResponse> ListEndpointsAsync(ListEndpointsRequest request, CancellationToken cancellationToken);
    Task<ListTagsResponse> ListTagsAsync(ListTagsRequest request, CancellationToken cancellationToken);
    Task<CreateTransformJobResponse> CreateTransformJobAsync(CreateTransformJobRequest request, CancellationToken cancellationToken);
    Task<DescribeTransformJobResponse> DescribeTransformJobAsync(DescribeTransformJobRequest request, CancellationToken cancellationToken);
    Task<EmptyResponse> StopTransformJobAsync(StopTransformJobRequest request, CancellationToken cancellationToken);
}
