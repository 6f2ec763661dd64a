using System.Text.Json;
using KnnCli.Core.Targets;
using KnnCli.Engine;
using KnnCli.Targets.SageMaker.SageMaker;
using KnnCli.Targets.SageMaker.Tests.Fixtures;

namespace KnnCli.Targets.SageMaker.Tests;

/// <summary>Multi-instance training: a ShardedByS3Key train channel over the parts upload --shards puts under one prefix.</summary>
[Collection(MotoCollection.Name)]
public sealed class ShardedTrainingTests(MotoServer moto) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("knn-sharded-").FullName;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<int, string> Distributions() => new() { { 1, "FullyReplicated" }, { 3, "ShardedByS3Key" } };

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Several_instances_shard_the_train_channel_and_replicate_the_test_channel(int instances, string trainDistribution)
    {
        var trainer = new SageMakerTrainer(null!, null!, "us-east-1", MotoServer.RoleArn, dryRun: false, new SageMakerTimings());
        var request = trainer.CreateRequest(new TrainingRequest
        {
            JobName = "knn-sharded",
            Hyperparameters = new KnnHyperparameters { K = 5, SampleSize = 30_000, PredictorType = PredictorType.Classifier, FeatureDim = 4 },
            Train = StoreUri.Parse("s3://bucket/knn/input/train/"),
            Test = StoreUri.Parse("s3://bucket/knn/input/test.csv"),
            OutputPath = StoreUri.Parse("s3://bucket/knn/output"),
            InstanceCount = instances,
        });
        using var body = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(request, SageMakerJsonContext.Default.CreateTrainingJobRequest));

        Assert.Empty(ServiceModel.SageMaker.ValidateInput("CreateTrainingJob", body.RootElement));
        var channels = body.RootElement.GetProperty("InputDataConfig").EnumerateArray()
            .ToDictionary(c => c.GetProperty("ChannelName").GetString()!, c => c.GetProperty("DataSource").GetProperty("S3DataSource"));
        Assert.Equal(trainDistribution, channels["train"].GetProperty("S3DataDistributionType").GetString());
        Assert.Equal("S3Prefix", channels["train"].GetProperty("S3DataType").GetString());
        Assert.Equal("s3://bucket/knn/input/train/", channels["train"].GetProperty("S3Uri").GetString());
        Assert.Equal("FullyReplicated", channels["test"].GetProperty("S3DataDistributionType").GetString());
        Assert.Equal(instances, body.RootElement.GetProperty("ResourceConfig").GetProperty("InstanceCount").GetInt32());
        // sample_size is the total over all instances, as SageMaker documents it: it is sent unchanged.
        Assert.Equal("30000", body.RootElement.GetProperty("HyperParameters").GetProperty("sample_size").GetString());
    }

    [Fact]
    public async Task S3_lists_a_prefix_in_key_order_and_deletes_it()
    {
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), new RecordingLog(), moto.Options());
        var ct = CancellationToken.None;
        var bucket = await target.GetDefaultBucketAsync(ct);
        await target.Store.EnsureBucketAsync(bucket, ct);
        var prefix = new StoreUri(bucket, $"knn-{_run}/input/train/");
        var file = Path.Combine(_folder, "part.csv");
        File.WriteAllText(file, "0,1,2\n1,2,3\n");
        foreach (var name in new[] { "part-00002.csv", "part-00000.csv", "part-00001.csv" })
            await target.Store.PutFileAsync(file, prefix.Append(name), "text/csv", null, ct);
        await target.Store.PutFileAsync(file, new StoreUri(bucket, $"knn-{_run}/input/train.csv"), "text/csv", null, ct);

        var listed = await target.Store.ListAsync(prefix, ct);

        Assert.Equal(["part-00000.csv", "part-00001.csv", "part-00002.csv"], listed.Select(o => o.Uri.Key[prefix.Key.Length..]));
        Assert.All(listed, o => Assert.Equal(12, o.Size));
        Assert.Equal(3, await target.Store.DeletePrefixAsync(prefix, ct));
        Assert.Empty(await target.Store.ListAsync(prefix, ct));
        Assert.True(await target.Store.ExistsAsync(new StoreUri(bucket, $"knn-{_run}/input/train.csv"), ct));
    }
}
