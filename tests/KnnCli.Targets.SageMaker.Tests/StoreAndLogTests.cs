using Amazon.S3;
using Amazon.S3.Model;
using KnnCli.Core.Errors;
using KnnCli.Core.Targets;
using KnnCli.Targets.SageMaker.Tests.Fixtures;

namespace KnnCli.Targets.SageMaker.Tests;

[Collection(MotoCollection.Name)]
public sealed class S3ObjectStoreTests(MotoServer moto) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("knn-s3-").FullName;
    private readonly string _bucket = $"knn-store-{Guid.NewGuid():N}"[..30];

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private AmazonS3Client DirectClient() => new(new Amazon.Runtime.BasicAWSCredentials(MotoServer.AccessKeyId, MotoServer.SecretAccessKey),
        new AmazonS3Config { ServiceURL = moto.Url.ToString(), ForcePathStyle = true, AuthenticationRegion = MotoServer.Region });

    [Fact]
    public async Task A_large_file_goes_up_in_parts_with_progress_and_keeps_its_content_type()
    {
        var log = new RecordingLog();
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), log, moto.Options());
        var path = Path.Combine(_folder, "big.csv");
        var line = "1,5.1,3.5,1.4,0.2,6.3,2.8,5.1,1.5\n"u8.ToArray();
        await using (var file = File.Create(path))
            for (var written = 0L; written < 17 * 1024 * 1024; written += line.Length) file.Write(line);
        var length = new FileInfo(path).Length;
        var destination = new StoreUri(_bucket, "knn/train/big.csv");

        await target.Store.EnsureBucketAsync(_bucket, CancellationToken.None);
        using (var progress = log.Progress("upload", length))
            await target.Store.PutFileAsync(path, destination, "text/csv", progress, CancellationToken.None);

        using var s3 = DirectClient();
        var metadata = await s3.GetObjectMetadataAsync(_bucket, destination.Key);
        Assert.Equal("text/csv", metadata.Headers.ContentType);
        Assert.Equal(length, metadata.ContentLength);
        Assert.Contains("-", metadata.ETag); // A multipart upload's ETag is "<md5 of part md5s>-<parts>".
        Assert.Equal(length, log.ProgressReports[^1]);
        Assert.True(log.ProgressReports.Count > 2);

        var copy = Path.Combine(_folder, "copy", "big.csv");
        await target.Store.GetFileAsync(destination, copy, CancellationToken.None);
        Assert.Equal(await File.ReadAllBytesAsync(path), await File.ReadAllBytesAsync(copy));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(copy)!));
    }

    [Fact]
    public async Task Streams_round_trip_and_a_missing_object_is_not_found()
    {
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), new RecordingLog(), moto.Options());
        await target.Store.EnsureBucketAsync(_bucket, CancellationToken.None);
        var uri = new StoreUri(_bucket, "knn/labels.json");
        await target.Store.PutStreamAsync(new MemoryStream("""{"setosa":0}"""u8.ToArray()), uri, "application/json", CancellationToken.None);

        await using (var stream = await target.Store.OpenReadAsync(uri, CancellationToken.None))
            Assert.Equal("""{"setosa":0}""", await new StreamReader(stream).ReadToEndAsync());
        Assert.False(await target.Store.ExistsAsync(new StoreUri(_bucket, "knn/absent.csv"), CancellationToken.None));
        var e = await Assert.ThrowsAnyAsync<KnnException>(() => target.Store.OpenReadAsync(new StoreUri(_bucket, "knn/absent.csv"), CancellationToken.None));
        Assert.Equal(ExitCodes.NotFound, e.ExitCode);
        Assert.StartsWith("S3 GetObject: NoSuchKey: ", e.Message);
    }

    [Fact]
    public async Task A_bucket_outside_us_east_1_is_created_with_its_location_constraint()
    {
        var options = moto.Options(overrides: new Dictionary<string, string?> { ["AWS_REGION"] = "eu-west-1" });
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), new RecordingLog(), options);
        await target.Store.EnsureBucketAsync(_bucket, CancellationToken.None);

        using var s3 = DirectClient();
        Assert.Equal("eu-west-1", (await s3.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = _bucket })).Location.Value);
    }
}

[Collection(MotoCollection.Name)]
public sealed class TrainingLogTailTests(MotoServer moto)
{
    [Fact]
    public async Task New_events_are_read_once_and_streams_are_merged_by_time()
    {
        var job = $"knn-tail-{Guid.NewGuid():N}"[..20];
        await using var target = (SageMakerTargetInstance)SageMakerTarget.Create(MotoServer.Settings(), new RecordingLog(), moto.Options());
        var tail = new TrainingLogTail(target.Logs, job, instanceCount: 2);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        using var writer = new TrainingLogWriter(moto);
        Assert.Empty(await tail.ReadNewAsync(CancellationToken.None)); // No stream yet (maybe no group yet either).

        await writer.CreateStreamAsync($"{job}/algo-1-1");
        await writer.PutAsync($"{job}/algo-1-1", now, "one-a", "one-b");
        Assert.Equal(["one-a", "one-b"], (await tail.ReadNewAsync(CancellationToken.None)).Select(e => e.Message));

        await writer.CreateStreamAsync($"{job}/algo-2-1");
        await writer.PutAsync($"{job}/algo-2-1", now + 10, "two-a");
        await writer.PutAsync($"{job}/algo-1-1", now + 20, "one-c");
        await writer.PutAsync($"{job}/algo-2-1", now + 30, "two-b");
        Assert.Equal(["two-a", "one-c", "two-b"], (await tail.ReadNewAsync(CancellationToken.None)).Select(e => e.Message));
        Assert.Empty(await tail.ReadNewAsync(CancellationToken.None));
    }
}
