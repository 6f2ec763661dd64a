using System.Text.Json.Serialization;
using KnnCli.Targets.SageMaker.Http;

namespace KnnCli.Targets.SageMaker.SageMaker;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(EpochSecondsConverter)])]
[JsonSerializable(typeof(CreateTrainingJobRequest))]
[JsonSerializable(typeof(CreateTrainingJobResponse))]
[JsonSerializable(typeof(DescribeTrainingJobRequest))]
[JsonSerializable(typeof(DescribeTrainingJobResponse))]
[JsonSerializable(typeof(StopTrainingJobRequest))]
[JsonSerializable(typeof(ListTrainingJobsRequest))]
[JsonSerializable(typeof(ListTrainingJobsResponse))]
[JsonSerializable(typeof(CreateModelRequest))]
[JsonSerializable(typeof(CreateModelResponse))]
[JsonSerializable(typeof(DeleteModelRequest))]
[JsonSerializable(typeof(CreateEndpointConfigRequest))]
[JsonSerializable(typeof(CreateEndpointConfigResponse))]
[JsonSerializable(typeof(DeleteEndpointConfigRequest))]
[JsonSerializable(typeof(CreateEndpointRequest))]
[JsonSerializable(typeof(CreateEndpointResponse))]
[JsonSerializable(typeof(DescribeEndpointRequest))]
[JsonSerializable(typeof(DescribeEndpointResponse))]
[JsonSerializable(typeof(DeleteEndpointRequest))]
[JsonSerializable(typeof(ListEndpointsRequest))]
[JsonSerializable(typeof(ListEndpointsResponse))]
[JsonSerializable(typeof(ListEndpointConfigsRequest))]
[JsonSerializable(typeof(ListEndpointConfigsResponse))]
[JsonSerializable(typeof(ListModelsRequest))]
[JsonSerializable(typeof(ListModelsResponse))]
[JsonSerializable(typeof(ListTagsRequest))]
[JsonSerializable(typeof(ListTagsResponse))]
[JsonSerializable(typeof(EmptyResponse))]
internal sealed partial class SageMakerJsonContext : JsonSerializerContext;
