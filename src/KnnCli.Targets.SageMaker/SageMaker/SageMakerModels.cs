namespace KnnCli.Targets.SageMaker.SageMaker;

// The SageMaker (2017-07-24) shapes knn sends and reads, named as in the service model; unset members are omitted.

public sealed class Tag
{
    public required string Key { get; init; }
    public required string Value { get; init; }
}

public sealed class AlgorithmSpecification
{
    public string? TrainingImage { get; init; }
    public required string TrainingInputMode { get; init; }
}

public sealed class S3DataSource
{
    public required string S3DataType { get; init; }
    public required string S3Uri { get; init; }
    public string? S3DataDistributionType { get; init; }
}

public sealed class DataSource
{
    public S3DataSource? S3DataSource { get; init; }
}

public sealed class Channel
{
    public required string ChannelName { get; init; }
    public required DataSource DataSource { get; init; }
    public string? ContentType { get; init; }
    public string? CompressionType { get; init; }
    public string? InputMode { get; init; }
}

public sealed class OutputDataConfig
{
    public string? KmsKeyId { get; init; }
    public required string S3OutputPath { get; init; }
}

public sealed class VpcConfig
{
    public required IReadOnlyList<string> SecurityGroupIds { get; init; }
    public required IReadOnlyList<string> Subnets { get; init; }
}

public sealed class ResourceConfig
{
    public string? InstanceType { get; init; }
    public int? InstanceCount { get; init; }
    public int VolumeSizeInGB { get; init; }
    public string? VolumeKmsKeyId { get; init; }
}

public sealed class StoppingCondition
{
    public int? MaxRuntimeInSeconds { get; init; }
    public int? MaxWaitTimeInSeconds { get; init; }
}

public sealed class CreateTrainingJobRequest
{
    public required string TrainingJobName { get; init; }
    public required string RoleArn { get; init; }
    public required AlgorithmSpecification AlgorithmSpecification { get; init; }
    public IReadOnlyDictionary<string, string>? HyperParameters { get; init; }
    public required IReadOnlyList<Channel> InputDataConfig { get; init; }
    public required OutputDataConfig OutputDataConfig { get; init; }
    public required ResourceConfig ResourceConfig { get; init; }
    public required StoppingCondition StoppingCondition { get; init; }
    public IReadOnlyList<Tag>? Tags { get; init; }
    public VpcConfig? VpcConfig { get; init; }
    public bool? EnableNetworkIsolation { get; init; }
    public bool? EnableInterContainerTrafficEncryption { get; init; }
    public bool? EnableManagedSpotTraining { get; init; }
}

public sealed class CreateTrainingJobResponse
{
    public string? TrainingJobArn { get; init; }
}

public sealed class DescribeTrainingJobRequest
{
    public required string TrainingJobName { get; init; }
}

public sealed class StopTrainingJobRequest
{
    public required string TrainingJobName { get; init; }
}

public sealed class ModelArtifacts
{
    public string? S3ModelArtifacts { get; init; }
}

public sealed class SecondaryStatusTransition
{
    public string? Status { get; init; }
    public DateTimeOffset? StartTime { get; init; }
    public DateTimeOffset? EndTime { get; init; }
    public string? StatusMessage { get; init; }
}

public sealed class MetricData
{
    public string? MetricName { get; init; }
    public double? Value { get; init; }
    public DateTimeOffset? Timestamp { get; init; }
}

public sealed class DescribeTrainingJobResponse
{
    public string? TrainingJobName { get; init; }
    public string? TrainingJobArn { get; init; }
    public string? TrainingJobStatus { get; init; }
    public string? SecondaryStatus { get; init; }
    public string? FailureReason { get; init; }
    public ModelArtifacts? ModelArtifacts { get; init; }
    public ResourceConfig? ResourceConfig { get; init; }
    public List<SecondaryStatusTransition>? SecondaryStatusTransitions { get; init; }
    public List<MetricData>? FinalMetricDataList { get; init; }
    public int? BillableTimeInSeconds { get; init; }
    public int? TrainingTimeInSeconds { get; init; }
    public bool? EnableManagedSpotTraining { get; init; }
    public DateTimeOffset? CreationTime { get; init; }
}

public sealed class ListTrainingJobsRequest
{
    public string? StatusEquals { get; init; }
    public string? NextToken { get; init; }
    public int? MaxResults { get; init; }
}

public sealed class TrainingJobSummary
{
    public string? TrainingJobName { get; init; }
    public string? TrainingJobArn { get; init; }
    public DateTimeOffset? CreationTime { get; init; }
    public string? TrainingJobStatus { get; init; }
}

public sealed class ListTrainingJobsResponse
{
    public List<TrainingJobSummary> TrainingJobSummaries { get; init; } = [];
    public string? NextToken { get; init; }
}

public sealed class ContainerDefinition
{
    public string? Image { get; init; }
    public string? ModelDataUrl { get; init; }
}

public sealed class CreateModelRequest
{
    public required string ModelName { get; init; }
    public ContainerDefinition? PrimaryContainer { get; init; }
    public string? ExecutionRoleArn { get; init; }
    public IReadOnlyList<Tag>? Tags { get; init; }
    public VpcConfig? VpcConfig { get; init; }
    public bool? EnableNetworkIsolation { get; init; }
}

public sealed class CreateModelResponse
{
    public string? ModelArn { get; init; }
}

public sealed class DeleteModelRequest
{
    public required string ModelName { get; init; }
}

public sealed class ProductionVariantServerlessConfig
{
    public required int MemorySizeInMB { get; init; }
    public required int MaxConcurrency { get; init; }
    public int? ProvisionedConcurrency { get; init; }
}

public sealed class ProductionVariant
{
    public required string VariantName { get; init; }
    public string? ModelName { get; init; }
    public string? InstanceType { get; init; }
    public int? InitialInstanceCount { get; init; }
    public ProductionVariantServerlessConfig? ServerlessConfig { get; init; }
}

public sealed class AsyncInferenceClientConfig
{
    public int? MaxConcurrentInvocationsPerInstance { get; init; }
}

public sealed class AsyncInferenceNotificationConfig
{
    public string? SuccessTopic { get; init; }
    public string? ErrorTopic { get; init; }
}

public sealed class AsyncInferenceOutputConfig
{
    public string? KmsKeyId { get; init; }
    public string? S3OutputPath { get; init; }
    public string? S3FailurePath { get; init; }
    public AsyncInferenceNotificationConfig? NotificationConfig { get; init; }
}

public sealed class AsyncInferenceConfig
{
    public AsyncInferenceClientConfig? ClientConfig { get; init; }
    public required AsyncInferenceOutputConfig OutputConfig { get; init; }
}

public sealed class CreateEndpointConfigRequest
{
    public required string EndpointConfigName { get; init; }
    public required IReadOnlyList<ProductionVariant> ProductionVariants { get; init; }
    public AsyncInferenceConfig? AsyncInferenceConfig { get; init; }
    public IReadOnlyList<Tag>? Tags { get; init; }
    public string? KmsKeyId { get; init; }
}

public sealed class CreateEndpointConfigResponse
{
    public string? EndpointConfigArn { get; init; }
}

public sealed class DescribeEndpointConfigRequest
{
    public required string EndpointConfigName { get; init; }
}

public sealed class DescribeEndpointConfigResponse
{
    public string? EndpointConfigName { get; init; }
    public IReadOnlyList<ProductionVariant>? ProductionVariants { get; init; }
    public AsyncInferenceConfig? AsyncInferenceConfig { get; init; }
}

public sealed class DeleteEndpointConfigRequest
{
    public required string EndpointConfigName { get; init; }
}

public sealed class CreateEndpointRequest
{
    public required string EndpointName { get; init; }
    public required string EndpointConfigName { get; init; }
    public IReadOnlyList<Tag>? Tags { get; init; }
}

public sealed class CreateEndpointResponse
{
    public string? EndpointArn { get; init; }
}

public sealed class DescribeEndpointRequest
{
    public required string EndpointName { get; init; }
}

public sealed class DescribeEndpointResponse
{
    public string? EndpointName { get; init; }
    public string? EndpointArn { get; init; }
    public string? EndpointConfigName { get; init; }
    public string? EndpointStatus { get; init; }
    public string? FailureReason { get; init; }
    public DateTimeOffset? CreationTime { get; init; }
    public IReadOnlyList<ProductionVariantSummary>? ProductionVariants { get; init; }
    public AsyncInferenceConfig? AsyncInferenceConfig { get; init; }
}

public sealed class ProductionVariantSummary
{
    public string? VariantName { get; init; }
    public ProductionVariantServerlessConfig? CurrentServerlessConfig { get; init; }
}

public sealed class DeleteEndpointRequest
{
    public required string EndpointName { get; init; }
}

public sealed class ListEndpointsRequest
{
    public string? NextToken { get; init; }
    public int? MaxResults { get; init; }
}

public sealed class EndpointSummary
{
    public string? EndpointName { get; init; }
    public string? EndpointArn { get; init; }
    public DateTimeOffset? CreationTime { get; init; }
    public string? EndpointStatus { get; init; }
}

public sealed class ListEndpointsResponse
{
    public List<EndpointSummary> Endpoints { get; init; } = [];
    public string? NextToken { get; init; }
}

public sealed class ListEndpointConfigsRequest
{
    public string? NextToken { get; init; }
    public int? MaxResults { get; init; }
}

public sealed class EndpointConfigSummary
{
    public string? EndpointConfigName { get; init; }
    public string? EndpointConfigArn { get; init; }
    public DateTimeOffset? CreationTime { get; init; }
}

public sealed class ListEndpointConfigsResponse
{
    public List<EndpointConfigSummary> EndpointConfigs { get; init; } = [];
    public string? NextToken { get; init; }
}

public sealed class ListModelsRequest
{
    public string? NextToken { get; init; }
    public int? MaxResults { get; init; }
}

public sealed class ModelSummary
{
    public string? ModelName { get; init; }
    public string? ModelArn { get; init; }
    public DateTimeOffset? CreationTime { get; init; }
}

public sealed class ListModelsResponse
{
    public List<ModelSummary> Models { get; init; } = [];
    public string? NextToken { get; init; }
}

public sealed class ListTagsRequest
{
    public required string ResourceArn { get; init; }
    public string? NextToken { get; init; }
    public int? MaxResults { get; init; }
}

public sealed class ListTagsResponse
{
    public List<Tag> Tags { get; init; } = [];
    public string? NextToken { get; init; }
}

/// <summary>The answer of an operation with no output (Delete*, StopTrainingJob).</summary>
public sealed class EmptyResponse;

// Batch Transform

public sealed class TransformS3DataSource
{
    public required string S3DataType { get; init; }
    public required string S3Uri { get; init; }
}

public sealed class TransformDataSource
{
    public required TransformS3DataSource S3DataSource { get; init; }
}

public sealed class TransformInput
{
    public required TransformDataSource DataSource { get; init; }
    public string? ContentType { get; init; }
    public string? SplitType { get; init; }
}

public sealed class TransformOutput
{
    public required string S3OutputPath { get; init; }
    public string? Accept { get; init; }
    public string? AssembleWith { get; init; }
    public string? KmsKeyId { get; init; }
}

public sealed class TransformResources
{
    public required string InstanceType { get; init; }
    public required int InstanceCount { get; init; }
    public string? VolumeKmsKeyId { get; init; }
}

public sealed class DataProcessing
{
    public string? InputFilter { get; init; }
    public string? OutputFilter { get; init; }
    public string? JoinSource { get; init; }
}

public sealed class CreateTransformJobRequest
{
    public required string TransformJobName { get; init; }
    public required string ModelName { get; init; }
    public int? MaxPayloadInMB { get; init; }
    public string? BatchStrategy { get; init; }
    public required TransformInput TransformInput { get; init; }
    public required TransformOutput TransformOutput { get; init; }
    public required TransformResources TransformResources { get; init; }
    public DataProcessing? DataProcessing { get; init; }
    public IReadOnlyList<Tag>? Tags { get; init; }
}

public sealed class CreateTransformJobResponse
{
    public string? TransformJobArn { get; init; }
}

public sealed class DescribeTransformJobRequest
{
    public required string TransformJobName { get; init; }
}

public sealed class DescribeTransformJobResponse
{
    public string? TransformJobName { get; init; }
    public string? TransformJobStatus { get; init; }
    public string? FailureReason { get; init; }
    public DateTimeOffset? CreationTime { get; init; }
}

public sealed class StopTransformJobRequest
{
    public required string TransformJobName { get; init; }
}
