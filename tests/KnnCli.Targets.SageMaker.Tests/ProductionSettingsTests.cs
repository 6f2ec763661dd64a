using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.S3;
using KnnCli.Core.Settings;
using KnnCli.Core.Targets;
using KnnCli.Engine;
using KnnCli.Targets.SageMaker.SageMaker;
using KnnCli.Targets.SageMaker.Tests.Fixtures;

namespace KnnCli.Targets.SageMaker.Tests;

/// <summary>
/// Networking, encryption, spot and tags against a real moto server: every request carries exactly the settings given
/// (bodies checked against the official model), and the S3 objects carry the SSE headers moto recorded.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class ProductionSettingsTests(MotoServer moto) : IDisposable
{
    private const string KeyArn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    private static readonly ProductionSettings Everything = new()
    {
        Subnets = ["subnet-0123abcd", "subnet-0123456789abcdef0"],
        SecurityGroupIds = ["sg-89abcdef"],
        NetworkIsolation = true,
        InterContainerEncryption = true,
        KmsKeyId = KeyArn,
        Spot = true,
        MaxWaitSeconds = 7200,
        MaxRunSeconds = 3600,
        Tags = new Dictionary<string, string> { ["team"] = "search", ["cost center"] = "ml 42" },
    };

    private readonly string _folder = Directory.CreateTempSubdirectory("knn-production-").FullName;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static CommonSettings Settings(ProductionSettings production) => MotoServer.Settings() with { Production = production };

    private AmazonS3Client DirectS3() => new(new Amazon.Runtime.BasicAWSCredentials(MotoServer.AccessKeyId, MotoServer.SecretAccessKey),
        new AmazonS3Config { ServiceURL = moto.Url.ToString(), ForcePathStyle = true, AuthenticationRegion = MotoServer.Region });

    private TrainingRequest Training(string job) => new()
    {
        JobName = job,
        Hyperparameters = new KnnHyperparameters { K = 1, SampleSize = 100, PredictorType = PredictorType.Classifier, FeatureDim = 4 },
        Train = StoreUri.Parse($"s3://knn-{_run}/knn/input/train.csv"),
        OutputPath = StoreUri.Parse($"s3://knn-{_run}/knn/output"),
        Tags = new Dictionary<string, string> { ["request"] = "own" },
    };

    private DeployRequest Deploy(string name) => new()
    {
        ModelName = $"{name}-model",
        EndpointConfigName = $"{name}-config",
        EndpointName = name,
        ModelArtifact = StoreUri.Parse($"s3://knn-{_run}/knn/output/model.tar.gz"),
    };

    private static Dictionary<string, string> TagsOf(JsonElement body) =>
        body.GetProperty("Tags").EnumerateArray().ToDictionary(t => t.GetProperty("Key").GetString()!, t => t.GetProperty("Value").GetString()!);

    private static readonly Dictionary<string, string> ExpectedTags = new()
    {
        ["knn:created-by"] = "knn", ["team"] = "search", ["cost center"] = "ml 42", ["request"] = "own",
    };

    [Fact]
    public async Task A_training_job_carries_exactly_the_networking_encryption_spot_and_tag_settings()
    {
        var transport = new CheckedTransport();
        var log = new RecordingLog();
        await using var target = SageMakerTarget.Create(Settings(Everything), log, moto.Options(() => transport.Create()));
        var job = $"knn-prod-{_run}";

        await target.Trainer.TrainAsync(Training(job), wait: false, log, CancellationToken.None);

        Assert.Empty(transport.Violations);
        var body = transport.LastBody("SageMaker.CreateTrainingJob");
        Assert.Equal("""{"SecurityGroupIds":["sg-89abcdef"],"Subnets":["subnet-0123abcd","subnet-0123456789abcdef0"]}""", body.GetProperty("VpcConfig").GetRawText());
        Assert.True(body.GetProperty("EnableNetworkIsolation").GetBoolean());
        Assert.True(body.GetProperty("EnableInterContainerTrafficEncryption").GetBoolean());
        Assert.True(body.GetProperty("EnableManagedSpotTraining").GetBoolean());
        Assert.Equal(KeyArn, body.GetProperty("OutputDataConfig").GetProperty("KmsKeyId").GetString());
        Assert.Equal(KeyArn, body.GetProperty("ResourceConfig").GetProperty("VolumeKmsKeyId").GetString());
        Assert.Equal("""{"MaxRuntimeInSeconds":3600,"MaxWaitTimeInSeconds":7200}""", body.GetProperty("StoppingCondition").GetRawText());
        Assert.Equal(ExpectedTags, TagsOf(body));

        // The service holds what was sent (moto's DescribeTrainingJob and ListTags).
        var sageMaker = ((SageMakerTargetInstance)target).SageMaker;
        var described = await sageMaker.DescribeTrainingJobAsync(new DescribeTrainingJobRequest { TrainingJobName = job }, CancellationToken.None);
        Assert.True(described.EnableManagedSpotTraining);
        var tags = await sageMaker.ListTagsAsync(new ListTagsRequest { ResourceArn = described.TrainingJobArn! }, CancellationToken.None);
        Assert.Equal(ExpectedTags, tags.Tags.ToDictionary(t => t.Key, t => t.Value));
    }

    [Fact]
    public async Task Without_production_settings_no_such_member_is_sent()
    {
        var transport = new CheckedTransport();
        var log = new RecordingLog();
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), log, moto.Options(() => transport.Create()));
        await target.Trainer.TrainAsync(Training($"knn-plain-{_run}"), wait: false, log, CancellationToken.None);
        var name = $"knn-plain-ep-{_run}";
        await target.Hosting.DeployAsync(Deploy(name), log, CancellationToken.None);
        await target.Hosting.DeleteAsync(name, $"{name}-config", $"{name}-model", log, CancellationToken.None);

        Assert.Empty(transport.Violations);
        var training = transport.LastBody("SageMaker.CreateTrainingJob");
        foreach (var member in new[] { "VpcConfig", "EnableNetworkIsolation", "EnableInterContainerTrafficEncryption", "EnableManagedSpotTraining" })
            Assert.False(training.TryGetProperty(member, out _), member);
        Assert.False(training.GetProperty("OutputDataConfig").TryGetProperty("KmsKeyId", out _));
        Assert.False(training.GetProperty("ResourceConfig").TryGetProperty("VolumeKmsKeyId", out _));
        Assert.Equal("""{"MaxRuntimeInSeconds":86400}""", training.GetProperty("StoppingCondition").GetRawText());
        Assert.Equal(new Dictionary<string, string> { ["knn:created-by"] = "knn", ["request"] = "own" }, TagsOf(training));
        var model = transport.LastBody("SageMaker.CreateModel");
        Assert.False(model.TryGetProperty("VpcConfig", out _));
        Assert.False(model.TryGetProperty("EnableNetworkIsolation", out _));
        Assert.False(transport.LastBody("SageMaker.CreateEndpointConfig").TryGetProperty("KmsKeyId", out _));
    }

    [Fact]
    public async Task Model_endpoint_config_and_endpoint_carry_the_vpc_isolation_key_and_tags()
    {
        var transport = new CheckedTransport();
        var log = new RecordingLog();
        await using var target = SageMakerTarget.Create(Settings(Everything), log, moto.Options(() => transport.Create()));
        var name = $"knn-prod-ep-{_run}";

        var endpoint = await target.Hosting.DeployAsync(Deploy(name) with { Tags = new Dictionary<string, string> { ["request"] = "own" } }, log, CancellationToken.None);
        var live = await target.Hosting.ListLiveAsync(CancellationToken.None);
        await target.Hosting.DeleteAsync(name, $"{name}-config", $"{name}-model", log, CancellationToken.None);

        Assert.Equal("InService", endpoint.Status);
        Assert.Empty(transport.Violations);
        var model = transport.LastBody("SageMaker.CreateModel");
        Assert.Equal("""{"SecurityGroupIds":["sg-89abcdef"],"Subnets":["subnet-0123abcd","subnet-0123456789abcdef0"]}""", model.GetProperty("VpcConfig").GetRawText());
        Assert.True(model.GetProperty("EnableNetworkIsolation").GetBoolean());
        var config = transport.LastBody("SageMaker.CreateEndpointConfig");
        Assert.Equal(KeyArn, config.GetProperty("KmsKeyId").GetString());
        foreach (var operation in new[] { "SageMaker.CreateModel", "SageMaker.CreateEndpointConfig", "SageMaker.CreateEndpoint" })
            Assert.Equal(ExpectedTags, TagsOf(transport.LastBody(operation)));
        // Still found by knn's own tag beside the user's.
        Assert.Contains(live, r => r.Kind == "endpoint" && r.Name == name);
        Assert.Contains(live, r => r.Kind == "model" && r.Name == $"{name}-model");
    }

    public static TheoryData<string, string?, string?> Encryptions() => new()
    {
        { "kms", "aws:kms", KeyArn },
        { "sse", "AES256", null },
        { "none", null, null },
    };

    [Theory]
    [MemberData(nameof(Encryptions))]
    public async Task Uploads_carry_the_sse_headers_moto_recorded(string kind, string? expectedMethod, string? expectedKey)
    {
        var production = kind switch
        {
            "kms" => new ProductionSettings { KmsKeyId = KeyArn },
            "sse" => new ProductionSettings { S3ManagedEncryption = true },
            _ => ProductionSettings.None,
        };
        await using var target = SageMakerTarget.Create(Settings(production), new RecordingLog(), moto.Options());
        var bucket = $"knn-sse-{kind}-{_run}";
        await target.Store.EnsureBucketAsync(bucket, CancellationToken.None);
        var file = Path.Combine(_folder, "train.csv");
        await File.WriteAllTextAsync(file, "0,5.1,3.5,1.4,0.2\n");
        var fileUri = new StoreUri(bucket, "knn/input/train.csv");
        var streamUri = new StoreUri(bucket, "knn/input/labels.json");

        await target.Store.PutFileAsync(file, fileUri, "text/csv", null, CancellationToken.None);
        await target.Store.PutStreamAsync(new MemoryStream("""{"setosa":0}"""u8.ToArray()), streamUri, "application/json", CancellationToken.None);

        using var s3 = DirectS3();
        foreach (var uri in new[] { fileUri, streamUri })
        {
            var metadata = await s3.GetObjectMetadataAsync(bucket, uri.Key);
            // AWSSDK.S3 reads an absent header as "".
            Assert.Equal(expectedMethod ?? "", metadata.ServerSideEncryptionMethod?.Value ?? "");
            Assert.Equal(expectedKey, metadata.ServerSideEncryptionKeyManagementServiceKeyId);
        }
    }

    [Fact]
    public async Task A_large_upload_in_parts_is_encrypted_with_the_key_too()
    {
        await using var target = SageMakerTarget.Create(Settings(new ProductionSettings { KmsKeyId = KeyArn }), new RecordingLog(), moto.Options());
        var bucket = $"knn-sse-parts-{_run}";
        await target.Store.EnsureBucketAsync(bucket, CancellationToken.None);
        var file = Path.Combine(_folder, "big.csv");
        var line = "1,5.1,3.5,1.4,0.2,6.3,2.8,5.1,1.5\n"u8.ToArray();
        await using (var stream = File.Create(file))
            for (var written = 0L; written < 17 * 1024 * 1024; written += line.Length) stream.Write(line);
        var uri = new StoreUri(bucket, "knn/input/big.csv");

        await target.Store.PutFileAsync(file, uri, "text/csv", null, CancellationToken.None);

        using var s3 = DirectS3();
        var metadata = await s3.GetObjectMetadataAsync(bucket, uri.Key);
        Assert.Contains("-", metadata.ETag); // Uploaded in parts.
        Assert.Equal("aws:kms", metadata.ServerSideEncryptionMethod?.Value);
        Assert.Equal(KeyArn, metadata.ServerSideEncryptionKeyManagementServiceKeyId);
    }

    [Fact]
    public async Task A_dry_run_says_how_an_upload_would_be_encrypted()
    {
        var log = new RecordingLog();
        await using var target = SageMakerTarget.Create(Settings(new ProductionSettings { KmsKeyId = KeyArn }) with { DryRun = true }, log, moto.Options());
        var file = Path.Combine(_folder, "train.csv");
        await File.WriteAllTextAsync(file, "0,5.1,3.5,1.4,0.2\n");
        await target.Store.PutFileAsync(file, new StoreUri($"knn-dry-{_run}", "knn/input/train.csv"), "text/csv", null, CancellationToken.None);
        Assert.Contains(log.InfoLines, l => l.Contains("PutObject", StringComparison.Ordinal) && l.Contains($"SSE-KMS {KeyArn}", StringComparison.Ordinal));
    }

    /// <summary>
    /// moto reports no training or billable seconds: this handler adds them to moto's real DescribeTrainingJob reply (as
    /// SageMaker reports a spot job that was billed for a third of its time), after checking both are members of the
    /// model's DescribeTrainingJobResponse.
    /// </summary>
    private sealed class BilledSecondsHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (FaultHandler.Operation(request) != "SageMaker.DescribeTrainingJob" || !response.IsSuccessStatusCode) return response;
            var members = ServiceModel.SageMaker.Shape(ServiceModel.SageMaker.OutputShape("DescribeTrainingJob")!).GetProperty("members");
            Assert.True(members.TryGetProperty("TrainingTimeInSeconds", out _) && members.TryGetProperty("BillableTimeInSeconds", out _));
            var reply = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!.AsObject();
            reply["TrainingTimeInSeconds"] = 300;
            reply["BillableTimeInSeconds"] = 100;
            response.Content = new StringContent(reply.ToJsonString(), Encoding.UTF8, "application/x-amz-json-1.1");
            return response;
        }
    }

    [Fact]
    public async Task A_spot_job_reports_training_and_billable_seconds_and_the_saving_when_it_ends()
    {
        var transport = new CheckedTransport();
        var log = new RecordingLog();
        await using var target = SageMakerTarget.Create(Settings(new ProductionSettings { Spot = true }), log,
            moto.Options(() => transport.Create(inner => new BilledSecondsHandler(inner))));

        var result = await target.Trainer.TrainAsync(Training($"knn-spot-{_run}"), wait: true, log, CancellationToken.None);

        Assert.Equal(TrainingStatus.Completed, result.Status);
        Assert.Equal((300d, 100d), (result.TrainingSeconds!.Value, result.BillableSeconds!.Value));
        var end = log.InfoLines.SkipWhile(l => !l.StartsWith("Training seconds:", StringComparison.Ordinal)).ToList();
        Assert.Equal(["Training seconds: 300", "Billable seconds: 100", "Managed Spot Training savings: 66.7%"], end);
        Assert.Equal(86400, transport.LastBody("SageMaker.CreateTrainingJob").GetProperty("StoppingCondition").GetProperty("MaxWaitTimeInSeconds").GetInt32());
        Assert.Empty(transport.Violations);
    }

    [Fact]
    public void An_on_demand_job_shows_its_seconds_and_no_saving()
    {
        var lines = SageMakerTrainer.BillingSummary(new DescribeTrainingJobResponse { TrainingTimeInSeconds = 120, BillableTimeInSeconds = 120 });
        Assert.Equal(["Training seconds: 120", "Billable seconds: 120"], lines);
        Assert.Empty(SageMakerTrainer.BillingSummary(new DescribeTrainingJobResponse()));
    }
}
