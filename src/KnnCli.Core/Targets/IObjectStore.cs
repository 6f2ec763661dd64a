namespace KnnCli.Core.Targets;

/// <summary>An object found by a listing.</summary>
public sealed record StoreObject(StoreUri Uri, long Size);

/// <summary>An S3-like object store: S3 on the sagemaker target, a folder on the local target.</summary>
public interface IObjectStore
{
    /// <summary>Uploads a local file (multipart where that helps), keeping its content type.</summary>
    Task PutFileAsync(string localPath, StoreUri destination, string contentType, IProgressReporter? progress, CancellationToken cancellationToken);

    /// <summary>Downloads an object to a local file, atomically (the file appears whole or not at all).</summary>
    Task GetFileAsync(StoreUri source, string localPath, CancellationToken cancellationToken);

    /// <summary>Opens an object for streaming reads. Throws NotFoundException when it does not exist.</summary>
    Task<Stream> OpenReadAsync(StoreUri source, CancellationToken cancellationToken);

    /// <summary>Writes an object from a stream, atomically.</summary>
    Task PutStreamAsync(Stream content, StoreUri destination, string contentType, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(StoreUri uri, CancellationToken cancellationToken);

    /// <summary>Makes sure the bucket exists (creating it when absent).</summary>
    Task EnsureBucketAsync(string bucket, CancellationToken cancellationToken);

    /// <summary>Every object whose key starts with the prefix's key (S3Prefix semantics), in key order.</summary>
    Task<IReadOnlyList<StoreObject>> ListAsync(StoreUri prefix, CancellationToken cancellationToken);

    /// <summary>Deletes every object under the prefix; returns how many were deleted (0 when none: not an error).</summary>
    Task<int> DeletePrefixAsync(StoreUri prefix, CancellationToken cancellationToken);
}
