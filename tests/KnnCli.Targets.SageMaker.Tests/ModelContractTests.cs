using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KnnCli.Core.Targets;
using KnnCli.Engine;
using KnnCli.Targets.SageMaker.Logs;
using KnnCli.Targets.SageMaker.Runtime;
using KnnCli.Targets.SageMaker.SageMaker;
using KnnCli.Targets.SageMaker.Tests.Fixtures;

namespace KnnCli.Targets.SageMaker.Tests;

/// <summary>Our hand-written DTOs and the bodies they produce, checked against the official service models.</summary>
public sealed class ModelContractTests
{
    private static readonly SageMakerJsonContext SageMakerTypes = SageMakerJsonContext.Default;
    private static readonly LogsJsonContext LogsTypes = LogsJsonContext.Default;

    public static TheoryData<string, string, JsonTypeInfo, JsonTypeInfo?> Operations() => new()
    {
        { "sagemaker", "CreateTrainingJob", SageMakerTypes.CreateTrainingJobRequest, SageMakerTypes.CreateTrainingJobResponse },
        { "sagemaker", "DescribeTrainingJob", SageMakerTypes.DescribeTrainingJobRequest, SageMakerTypes.DescribeTrainingJobResponse },
        { "sagemaker", "StopTrainingJob", SageMakerTypes.StopTrainingJobRequest, null },
        { "sagemaker", "ListTrainingJobs", SageMakerTypes.ListTrainingJobsRequest, SageMakerTypes.ListTrainingJobsResponse },
        { "sagemaker", "CreateModel", SageMakerTypes.CreateModelRequest, SageMakerTypes.CreateModelResponse },
        { "sagemaker", "DeleteModel", SageMakerTypes.DeleteModelRequest, null },
        { "sagemaker", "ListModels", SageMakerTypes.ListModelsRequest, SageMakerTypes.ListModelsResponse },
        { "sagemaker", "CreateEndpointConfig", SageMakerTypes.CreateEndpointConfigRequest, SageMakerTypes.CreateEndpointConfigResponse },
        { "sagemaker", "DeleteEndpointConfig", SageMakerTypes.DeleteEndpointConfigRequest, null },
        { "sagemaker", "ListEndpointConfigs", SageMakerTypes.ListEndpointConfigsRequest, SageMakerTypes.ListEndpointConfigsResponse },
        { "sagemaker", "CreateEndpoint", SageMakerTypes.CreateEndpointRequest, SageMakerTypes.CreateEndpointResponse },
        { "sagemaker", "DescribeEndpoint", SageMakerTypes.DescribeEndpointRequest, SageMakerTypes.DescribeEndpointResponse },
        { "sagemaker", "DeleteEndpoint", SageMakerTypes.DeleteEndpointRequest, null },
        { "sagemaker", "ListEndpoints", SageMakerTypes.ListEndpointsRequest, SageMakerTypes.ListEndpointsResponse },
        { "sagemaker", "ListTags", SageMakerTypes.ListTagsRequest, SageMakerTypes.ListTagsResponse },
        { "sagemaker", "CreateTransformJob", SageMakerTypes.CreateTransformJobRequest, SageMakerTypes.CreateTransformJobResponse },
        { "sagemaker", "DescribeTransformJob", SageMakerTypes.DescribeTransformJobRequest, SageMakerTypes.DescribeTransformJobResponse },
        { "sagemaker", "StopTransformJob", SageMakerTypes.StopTransformJobRequest, null },
        { "logs", "DescribeLogStreams", LogsTypes.DescribeLogStreamsRequest, LogsTypes.DescribeLogStreamsResponse },
        { "logs", "GetLogEvents", LogsTypes.GetLogEventsRequest, LogsTypes.GetLogEventsResponse },
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public void Every_dto_member_exists_in_the_operation_shapes(string service, string operation, JsonTypeInfo request, JsonTypeInfo? response)
    {
        var model = ServiceModel.Load(service);
        Assert.Empty(model.CheckMemberNames(model.InputShape(operation), request, operation + " input"));
        if (response is not null) Assert.Empty(model.CheckMemberNames(model.OutputShape(operation)!, response, operation + " output"));
        else Assert.Null(model.OutputShape(operation));
    }

    [Fact]
    public void The_runtime_request_names_members_of_InvokeEndpointInput_including_every_required_one()
    {
        var shape = ServiceModel.Runtime.Shape(ServiceModel.Runtime.InputShape("InvokeEndpoint"));
        var members = shape.GetProperty("members").EnumerateObject().Select(m => m.Name).ToHashSet();
        var properties = typeof(InvokeEndpointRequest).GetProperties().Select(p => p.Name).ToHashSet();
        Assert.Subset(members, properties);
        Assert.Subset(properties, shape.GetProperty("required").EnumerateArray().Select(r => r.GetString()!).ToHashSet());
        var outputMembers = ServiceModel.Runtime.Shape(ServiceModel.Runtime.OutputShape("InvokeEndpoint")!).GetProperty("members").EnumerateObject().Select(m => m.Name).ToHashSet();
        Assert.Subset(outputMembers, typeof(InvokeEndpointResponse).GetProperties().Select(p => p.Name).ToHashSet());
    }

    public static TheoryData<InputMode, bool> TrainingShapes() => new() { { InputMode.Pipe, true }, { InputMode.File, false } };

    [Theory]
    [MemberData(nameof(TrainingShapes))]
    public void CreateTrainingJob_bodies_conform_to_the_model(InputMode mode, bool withTest)
    {
        var trainer = new SageMakerTrainer(null!, null!, "eu-west-1", MotoServer.RoleArn, dryRun: false, new SageMakerTimings());
        var request = trainer.CreateRequest(new TrainingRequest
        {
            JobName = "knn-2026-11-27-23-59-59-123",
            Hyperparameters = new KnnHyperparameters { K = 5, SampleSize = 1000, PredictorType = PredictorType.Classifier, FeatureDim = 4, IndexType = IndexType.IvfPq, PqM = 4 },
            ExtraHyperparameters = new Dictionary<string, string> { ["_tuning_objective_metric"] = "test:accuracy" },
            Train = StoreUri.Parse("s3://bucket/knn/train/train.csv"),
            Test = withTest ? StoreUri.Parse("s3://bucket/knn/test/test.csv") : null,
            OutputPath = StoreUri.Parse("s3://bucket/knn/output"),
            InputMode = mode,
            Tags = new Dictionary<string, string> { ["project"] = "iris demo" },
        });
        using var body = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(request, SageMakerTypes.CreateTrainingJobRequest));

        Assert.Empty(ServiceModel.SageMaker.ValidateInput("CreateTrainingJob", body.RootElement));
        var root = body.RootElement;
        Assert.Equal("438346466558.dkr.ecr.eu-west-1.amazonaws.com/knn:1", root.GetProperty("AlgorithmSpecification").GetProperty("TrainingImage").GetString());
        Assert.Equal(mode.ToString(), root.GetProperty("AlgorithmSpecification").GetProperty("TrainingInputMode").GetString());
        Assert.Equal(withTest ? ["train", "test"] : ["train"], root.GetProperty("InputDataConfig").EnumerateArray().Select(c => c.GetProperty("ChannelName").GetString()!).ToArray());
        Assert.All(root.GetProperty("InputDataConfig").EnumerateArray(), c => Assert.Equal("text/csv", c.GetProperty("ContentType").GetString()));
        Assert.Equal(30, root.GetProperty("ResourceConfig").GetProperty("VolumeSizeInGB").GetInt32());
        var hp = root.GetProperty("HyperParameters");
        Assert.Equal("4", hp.GetProperty("feature_dim").GetString());
        Assert.Equal("faiss.IVFPQ", hp.GetProperty("index_type").GetString());
        Assert.Equal("test:accuracy", hp.GetProperty("_tuning_objective_metric").GetString());
        Assert.Contains(root.GetProperty("Tags").EnumerateArray(), t => t.GetProperty("Key").GetString() == "knn:created-by");
    }

    [Fact]
    public void CreateTrainingJob_bodies_with_every_production_setting_conform_to_the_model()
    {
        var production = new KnnCli.Core.Settings.ProductionSettings
        {
            Subnets = [.. Enumerable.Range(0, 16).Select(i => $"subnet-{i:x17}")],
            SecurityGroupIds = [.. Enumerable.Range(0, 5).Select(i => $"sg-{i:x8}")],
            NetworkIsolation = true,
            InterContainerEncryption = true,
            KmsKeyId = "arn:aws:kms:eu-west-1:111122223333:alias/knn-models",
            Spot = true,
            MaxRunSeconds = 3600,
            Tags = Enumerable.Range(0, 49).ToDictionary(i => $"key {i}:+=@/", i => new string('v', 256)),
        };
        var trainer = new SageMakerTrainer(null!, null!, "eu-west-1", MotoServer.RoleArn, dryRun: false, new SageMakerTimings(), production);
        var request = trainer.CreateRequest(new TrainingRequest
        {
            JobName = "knn-production",
            Hyperparameters = new KnnHyperparameters { K = 5, SampleSize = 1000, PredictorType = PredictorType.Classifier, FeatureDim = 4 },
            Train = StoreUri.Parse("s3://bucket/knn/train/train.csv"),
            OutputPath = StoreUri.Parse("s3://bucket/knn/output"),
        });
        using var body = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(request, SageMakerTypes.CreateTrainingJobRequest));

        Assert.Empty(ServiceModel.SageMaker.ValidateInput("CreateTrainingJob", body.RootElement));
        Assert.Equal(16, body.RootElement.GetProperty("VpcConfig").GetProperty("Subnets").GetArrayLength());
        Assert.Equal(50, body.RootElement.GetProperty("Tags").GetArrayLength());
        // A spot job with no --max-wait waits as long as it may run: the least SageMaker allows.
        Assert.Equal(3600, body.RootElement.GetProperty("StoppingCondition").GetProperty("MaxWaitTimeInSeconds").GetInt32());
    }

    [Fact]
    public void A_training_request_without_feature_dim_is_refused_before_anything_is_sent()
    {
        var trainer = new SageMakerTrainer(null!, null!, "us-east-1", MotoServer.RoleArn, dryRun: false, new SageMakerTimings());
        var e = Assert.Throws<KnnCli.Core.Errors.InputException>(() => trainer.CreateRequest(new TrainingRequest
        {
            JobName = "j",
            Hyperparameters = new KnnHyperparameters { K = 1, SampleSize = 10, PredictorType = PredictorType.Regressor },
            Train = StoreUri.Parse("s3://b/train"),
            OutputPath = StoreUri.Parse("s3://b/out"),
        }));
        Assert.Contains("feature_dim", e.Message);
    }

    [Fact]
    public void The_checker_itself_catches_missing_unknown_out_of_enum_and_off_pattern_members()
    {
        using var body = JsonDocument.Parse("""
            {"TrainingJobName":"bad_name!","AlgorithmSpecification":{"TrainingInputMode":"Stream"},
             "OutputDataConfig":{"S3OutputPath":"s3://b/o"},"ResourceConfig":{"InstanceCount":1,"VolumeSizeInGB":30},"StoppingCondition":{"MaxRuntimeInSeconds":0},
             "HyperParameters":{"k":5},"Colour":"blue"}
            """);
        var errors = ServiceModel.SageMaker.ValidateInput("CreateTrainingJob", body.RootElement);
        Assert.Contains(errors, e => e.Contains("RoleArn: required member missing"));
        Assert.Contains(errors, e => e.Contains("Colour: not a member"));
        Assert.Contains(errors, e => e.Contains("'Stream' is not one of"));
        Assert.Contains(errors, e => e.Contains("'bad_name!' does not match"));
        Assert.Contains(errors, e => e.Contains("MaxRuntimeInSeconds: 0 is below the minimum"));
        Assert.Contains(errors, e => e.Contains("HyperParameters['k']: expected a string"));
    }
}
