using KnnCli.Targets.SageMaker.Http;

namespace KnnCli.Targets.SageMaker.SageMaker;

/// <summary>SageMaker over AWS JSON 1.1 (X-Amz-Target: SageMaker.&lt;Operation&gt;).</summary>
internal sealed partial class SageMakerClient(AwsJsonClient json) : ISageMakerClient
{
    private static readonly SageMakerJsonContext Types = SageMakerJsonContext.Default;

    public Task<CreateTrainingJobResponse> CreateTrainingJobAsync(CreateTrainingJobRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("CreateTrainingJob", request, Types.CreateTrainingJobRequest, Types.CreateTrainingJobResponse, mutating: true, cancellationToken);

    public Task<DescribeTrainingJobResponse> DescribeTrainingJobAsync(DescribeTrainingJobRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("DescribeTrainingJob", request, Types.DescribeTrainingJobRequest, Types.DescribeTrainingJobResponse, mutating: false, cancellationToken);

    public Task<EmptyResponse> StopTrainingJobAsync(StopTrainingJobRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("StopTrainingJob", request, Types.StopTrainingJobRequest, Types.EmptyResponse, mutating: true, cancellationToken);

    public Task<ListTrainingJobsResponse> ListTrainingJobsAsync(ListTrainingJobsRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("ListTrainingJobs", request, Types.ListTrainingJobsRequest, Types.ListTrainingJobsResponse, mutating: false, cancellationToken);

    public Task<CreateModelResponse> CreateModelAsync(CreateModelRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("CreateModel", request, Types.CreateModelRequest, Types.CreateModelResponse, mutating: true, cancellationToken);

    public Task<EmptyResponse> DeleteModelAsync(DeleteModelRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("DeleteModel", request, Types.DeleteModelRequest, Types.EmptyResponse, mutating: true, cancellationToken);

    public Task<ListModelsResponse> ListModelsAsync(ListModelsRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("ListModels", request, Types.ListModelsRequest, Types.ListModelsResponse, mutating: false, cancellationToken);

    public Task<CreateEndpointConfigResponse> CreateEndpointConfigAsync(CreateEndpointConfigRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("CreateEndpointConfig", request, Types.CreateEndpointConfigRequest, Types.CreateEndpointConfigResponse, mutating: true, cancellationToken);

    public Task<DescribeEndpointConfigResponse> DescribeEndpointConfigAsync(DescribeEndpointConfigRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("DescribeEndpointConfig", request, Types.DescribeEndpointConfigRequest, Types.DescribeEndpointConfigResponse, mutating: false, cancellationToken);

    public Task<EmptyResponse> DeleteEndpointConfigAsync(DeleteEndpointConfigRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("DeleteEndpointConfig", request, Types.DeleteEndpointConfigRequest, Types.EmptyResponse, mutating: true, cancellationToken);

    public Task<ListEndpointConfigsResponse> ListEndpointConfigsAsync(ListEndpointConfigsRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("ListEndpointConfigs", request, Types.ListEndpointConfigsRequest, Types.ListEndpointConfigsResponse, mutating: false, cancellationToken);

    public Task<CreateEndpointResponse> CreateEndpointAsync(CreateEndpointRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("CreateEndpoint", request, Types.CreateEndpointRequest, Types.CreateEndpointResponse, mutating: true, cancellationToken);

    public Task<DescribeEndpointResponse> DescribeEndpointAsync(DescribeEndpointRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("DescribeEndpoint", request, Types.DescribeEndpointRequest, Types.DescribeEndpointResponse, mutating: false, cancellationToken);

    public Task<EmptyResponse> DeleteEndpointAsync(DeleteEndpointRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("DeleteEndpoint", request, Types.DeleteEndpointRequest, Types.EmptyResponse, mutating: true, cancellationToken);

    public Task<ListEndpointsResponse> ListEndpointsAsync(ListEndpointsRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("ListEndpoints", request, Types.ListEndpointsRequest, Types.ListEndpointsResponse, mutating: false, cancellationToken);

    public Task<ListTagsResponse> ListTagsAsync(ListTagsRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("ListTags", request, Types.ListTagsRequest, Types.ListTagsResponse, mutating: false, cancellationToken);

    public Task<CreateTransformJobResponse> CreateTransformJobAsync(CreateTransformJobRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("CreateTransformJob", request, Types.CreateTransformJobRequest, Types.CreateTransformJobResponse, mutating: true, cancellationToken);

    public Task<DescribeTransformJobResponse> DescribeTransformJobAsync(DescribeTransformJobRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("DescribeTransformJob", request, Types.DescribeTransformJobRequest, Types.DescribeTransformJobResponse, mutating: false, cancellationToken);

    public Task<EmptyResponse> StopTransformJobAsync(StopTransformJobRequest request, CancellationToken cancellationToken) =>
        json.SendAsync("StopTransformJob", request, Types.StopTransformJobRequest, Types.EmptyResponse, mutating: true, cancellationToken);
}
