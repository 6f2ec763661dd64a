using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using KnnCli.Core.Errors;
using KnnCli.Core.Settings;
using KnnCli.Core.Targets;
using KnnCli.Targets.SageMaker.Aws;
using KnnCli.Targets.SageMaker.Http;

namespace KnnCli.Targets.SageMaker;

/// <summary>How knn's uploads are encrypted at rest: SSE-KMS with the given key, SSE-S3, or the bucket's default.</summary>
internal sealed record S3Encryption(ServerSideEncryptionMethod? Method, string? KmsKeyId)
{
    public static readonly S3Encryption BucketDefault = new(null, null);

    public static S3Encryption From(ProductionSettings production) =>
        production.KmsKeyId is { } key ? new(ServerSideEncryptionMethod.AWSKMS, key)
        : production.S3ManagedEncryption ? new(ServerSideEncryptionMethod.AES256, null)
        : BucketDefault;

    /// <summary>How a dry run describes it.</summary>
    public override string ToString() => Method is null ? "" : KmsKeyId is null ? ", SSE-S3" : $", SSE-KMS {KmsKeyId}";
}

/// <summary>
/// IObjectStore on S3 through AWSSDK.S3. With an overridden endpoint (moto, MinIO and other S3-compatible stores) it uses
/// path-style addressing and sends checksums only where S3 requires them, which such stores accept.
/// </summary>
internal sealed class S3ObjectStore : IObjectStore, IDisposable
{
    private readonly AwsContext _aws;
    private readonly Lazy<AmazonS3Client> _client;
    private readonly DryRunLog? _dryRun;
    private readonly S3Encryption _encryption;

    public S3ObjectStore(AwsContext aws, DryRunLog? dryRun, S3Encryption? encryption = null)
    {
        _aws = aws;
        _dryRun = dryRun;
        _encryption = encryption ?? S3Encryption.BucketDefault;
        _client = new Lazy<AmazonS3Client>(() => new AmazonS3Client(aws.Credentials, CreateConfig(aws)));
    }

    private AmazonS3Client S3 => _client.Value;

    internal static AmazonS3Config CreateConfig(AwsContext aws)
    {
        if (aws.EndpointOverride(AwsService.S3) is not { } url)
            return new AmazonS3Config { RegionEndpoint = aws.Region };
        return new AmazonS3Config
        {
            ServiceURL = url.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = aws.Region.SystemName,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
    }

    public async Task PutFileAsync(string localPath, StoreUri destination, string contentType, IProgressReporter? progress, CancellationToken cancellationToken)
    {
        var length = new FileInfo(localPath).Length;
        if (_dryRun is not null)
        {
            _dryRun.Print("S3", "PutObject", "PUT", ObjectUrl(destination), $"({contentType}, {length} bytes from {localPath}{_encryption})");
            return;
        }

        var request = new TransferUtilityUploadRequest
        {
            BucketName = destination.Bucket,
            Key = destination.Key,
            FilePath = localPath,
            ContentType = contentType,
            ServerSideEncryptionMethod = _encryption.Method,
            ServerSideEncryptionKeyManagementServiceKeyId = _encryption.KmsKeyId,
        };
        if (progress is not null) request.UploadProgressEvent += (_, e) => progress.Report(e.TransferredBytes);
        using var transfer = new TransferUtility(S3);
        await S3Call("PutObject", destination, () => transfer.UploadAsync(request, cancellationToken)).ConfigureAwait(false);
        progress?.Report(length);
    }

    public async Task GetFileAsync(StoreUri source, string localPath, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(localPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + $".{Guid.NewGuid():N}.part";
        try
        {
            await using (var stream = await OpenReadAsync(source, cancellationToken).ConfigureAwait(false))
            await using (var file = File.Create(temporary))
                await stream.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public async Task<Stream> OpenReadAsync(StoreUri source, CancellationToken cancellationToken)
    {
        var response = await S3Call("GetObject", source, () => S3.GetObjectAsync(source.Bucket, source.Key, cancellationToken)).ConfigureAwait(false);
        return response.ResponseStream;
    }

    public async Task PutStreamAsync(Stream content, StoreUri destination, string contentType, CancellationToken cancellationToken)
    {
        if (_dryRun is not null)
        {
            _dryRun.Print("S3", "PutObject", "PUT", ObjectUrl(destination), $"({contentType}{_encryption})");
            return;
        }
        var request = new PutObjectRequest
        {
            BucketName = destination.Bucket,
            Key = destination.Key,
            InputStream = content,
            ContentType = contentType,
            AutoCloseStream = false,
            ServerSideEncryptionMethod = _encryption.Method,
            ServerSideEncryptionKeyManagementServiceKeyId = _encryption.KmsKeyId,
        };
        await S3Call("PutObject", destination, () => S3.PutObjectAsync(request, cancellationToken)).ConfigureAwait(false);
    }

    public Task<bool> ExistsAsync(StoreUri uri, CancellationToken cancellationToken) =>
        HeadAsync("HeadObject", uri, () => S3.GetObjectMetadataAsync(uri.Bucket, uri.Key, cancellationToken));

    public async Task EnsureBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        if (await BucketExistsAsync(bucket, cancellationToken).ConfigureAwait(false)) return;
        if (_dryRun is not null)
        {
            _dryRun.Print("S3", "CreateBucket", "PUT", ObjectUrl(new StoreUri(bucket, "")), null);
            return;
        }

        var request = new PutBucketRequest { BucketName = bucket, UseClientRegion = false };
        // us-east-1 is the one region that takes no location constraint. (BucketRegionName would send eu-west-1 as the legacy "EU".)
        if (_aws.Region.SystemName != "us-east-1")
            request.PutBucketConfiguration = new PutBucketConfiguration { LocationConstraint = BucketLocationConstraint.FindValue(_aws.Region.SystemName) };
        try
        {
            await S3Call("CreateBucket", new StoreUri(bucket, ""), () => S3.PutBucketAsync(request, cancellationToken)).ConfigureAwait(false);
        }
        catch (AwsServiceException e) when (e.ErrorCode == "BucketAlreadyOwnedByYou")
        {
            // Created meanwhile by another run: that is what we wanted.
        }
    }

    public async Task<IReadOnlyList<StoreObject>> ListAsync(StoreUri prefix, CancellationToken cancellationToken)
    {
        var objects = new List<StoreObject>();
        var request = new ListObjectsV2Request { BucketName = prefix.Bucket, Prefix = prefix.Key };
        ListObjectsV2Response page;
        do
        {
            page = await S3Call("ListObjectsV2", prefix, () => S3.ListObjectsV2Async(request, cancellationToken)).ConfigureAwait(false);
            objects.AddRange((page.S3Objects ?? []).Select(o => new StoreObject(new StoreUri(prefix.Bucket, o.Key), o.Size ?? 0)));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
        return objects;
    }

    public async Task<int> DeletePrefixAsync(StoreUri prefix, CancellationToken cancellationToken)
    {
        var objects = await ListAsync(prefix, cancellationToken).ConfigureAwait(false);
        // DeleteObjects takes at most 1,000 keys per call.
        foreach (var chunk in objects.Chunk(1000))
        {
            if (_dryRun is not null)
            {
                foreach (var item in chunk) _dryRun.Print("S3", "DeleteObject", "DELETE", ObjectUrl(item.Uri), null);
                continue;
            }
            var delete = new DeleteObjectsRequest { BucketName = prefix.Bucket, Objects = [.. chunk.Select(o => new KeyVersion { Key = o.Uri.Key })] };
            var result = await S3Call("DeleteObjects", prefix, () => S3.DeleteObjectsAsync(delete, cancellationToken)).ConfigureAwait(false);
            if (result.DeleteErrors is { Count: > 0 } errors)
                throw new RemoteFailureException($"S3 DeleteObjects: {errors[0].Code}: {errors[0].Message} (s3://{prefix.Bucket}/{errors[0].Key})");
        }
        return objects.Count;
    }

    public void Dispose()
    {
        if (_client.IsValueCreated) _client.Value.Dispose();
    }

    internal Task<bool> BucketExistsAsync(string bucket, CancellationToken cancellationToken) =>
        HeadAsync("HeadBucket", new StoreUri(bucket, ""), () => S3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket }, cancellationToken));

    /// <summary>A HEAD request: true when it succeeds, false on 404, the translated error otherwise.</summary>
    private static async Task<bool> HeadAsync<T>(string operation, StoreUri uri, Func<Task<T>> head)
    {
        try
        {
            await S3Call(operation, uri, head).ConfigureAwait(false);
            return true;
        }
        catch (AwsServiceException e) when (e.StatusCode == (int)HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private Uri ObjectUrl(StoreUri uri)
    {
        var key = string.Join('/', uri.Key.Split('/').Select(Uri.EscapeDataString));
        return _aws.EndpointOverride(AwsService.S3) is { } url
            ? new Uri(url, $"{uri.Bucket}/{key}")
            : new Uri($"https://{uri.Bucket}.s3.{_aws.Region.SystemName}.{_aws.Region.PartitionDnsSuffix}/{key}");
    }

    private static async Task<T> S3Call<T>(string operation, StoreUri uri, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AmazonServiceException e)
        {
            throw Translate(e, operation, uri);
        }
        catch (Exception e) when (e is AmazonClientException || AwsClientFailures.IsNetworkFailure(e))
        {
            throw AwsClientFailures.Translate(e, AwsService.S3, operation);
        }
    }

    private static async Task S3Call(string operation, StoreUri uri, Func<Task> call) =>
        await S3Call(operation, uri, async () => { await call().ConfigureAwait(false); return true; }).ConfigureAwait(false);

    private static KnnException Translate(AmazonServiceException e, string operation, StoreUri uri)
    {
        var code = string.IsNullOrEmpty(e.ErrorCode) ? ((int)e.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) : e.ErrorCode;
        if (e.StatusCode == HttpStatusCode.NotFound && code is "404" or "NotFound") code = "NoSuchKey";
        return new AwsServiceException(AwsService.S3, operation, (int)e.StatusCode, code, $"{e.Message} ({uri})", e.RequestId);
    }
}
