using System.Text.Json;
using KnnCli.Core.Errors;
using KnnCli.Core.IO;
using KnnCli.Core.Targets;

namespace KnnCli.Targets.Local;

/// <summary>
/// The local object store: s3://bucket/key lives at &lt;root&gt;/objects/bucket/key, its content type in
/// &lt;root&gt;/metadata/bucket/key.json. Writes are atomic; keys cannot escape the root.
/// </summary>
public sealed class FolderStore(string root) : IObjectStore
{
    /// <summary>The store's folder, for a `knn serve` process that must open the same store.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    private readonly string _objects = Path.GetFullPath(Path.Combine(root, "objects"));
    private readonly string _metadata = Path.GetFullPath(Path.Combine(root, "metadata"));

    public async Task PutFileAsync(string localPath, StoreUri destination, string contentType, IProgressReporter? progress, CancellationToken cancellationToken)
    {
        await using var source = File.OpenRead(localPath);
        await PutAsync(source, destination, contentType, progress, cancellationToken);
    }

    public Task PutStreamAsync(Stream content, StoreUri destination, string contentType, CancellationToken cancellationToken) =>
        PutAsync(content, destination, contentType, null, cancellationToken);

    public async Task GetFileAsync(StoreUri source, string localPath, CancellationToken cancellationToken)
    {
        await using var input = await OpenReadAsync(source, cancellationToken);
        await AtomicFile.WriteAsync(localPath, (output, ct) => input.CopyToAsync(output, ct), cancellationToken);
    }

    public Task<Stream> OpenReadAsync(StoreUri source, CancellationToken cancellationToken)
    {
        var path = ObjectPath(source);
        if (!File.Exists(path)) throw new NotFoundException($"{source}: no such object in the local store ({path}).");
        return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan));
    }

    public Task<bool> ExistsAsync(StoreUri uri, CancellationToken cancellationToken) => Task.FromResult(File.Exists(ObjectPath(uri)));

    public Task EnsureBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(ObjectPath(new StoreUri(bucket, "")));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<StoreObject>> ListAsync(StoreUri prefix, CancellationToken cancellationToken)
    {
        var bucketPath = ObjectPath(new StoreUri(prefix.Bucket, ""));
        if (!Directory.Exists(bucketPath)) return Task.FromResult<IReadOnlyList<StoreObject>>([]);
        var objects = new List<StoreObject>();
        foreach (var file in Directory.EnumerateFiles(bucketPath, "*", SearchOption.AllDirectories))
        {
            var key = Path.GetRelativePath(bucketPath, file).Replace(Path.DirectorySeparatorChar, '/');
            // Skip atomic writes in flight (hidden temporaries) and keys outside the prefix.
            if (!key.StartsWith(prefix.Key, StringComparison.Ordinal) || Path.GetFileName(key).StartsWith('.')) continue;
            objects.Add(new StoreObject(new StoreUri(prefix.Bucket, key), new FileInfo(file).Length));
        }
        objects.Sort((a, b) => string.CompareOrdinal(a.Uri.Key, b.Uri.Key));
        return Task.FromResult<IReadOnlyList<StoreObject>>(objects);
    }

    public async Task<int> DeletePrefixAsync(StoreUri prefix, CancellationToken cancellationToken)
    {
        var objects = await ListAsync(prefix, cancellationToken);
        foreach (var item in objects)
        {
            File.Delete(ObjectPath(item.Uri));
            File.Delete(MetadataPath(item.Uri));
        }
        return objects.Count;
    }

    /// <summary>The content type recorded for an object, or null when the object is absent.</summary>
    public async Task<string?> GetContentTypeAsync(StoreUri uri, CancellationToken cancellationToken)
    {
        var path = MetadataPath(uri);
        if (!File.Exists(path)) return null;
        await using var stream = File.OpenRead(path);
        var metadata = await JsonSerializer.DeserializeAsync(stream, LocalJsonContext.Default.ObjectMetadata, cancellationToken);
        return metadata?.ContentType;
    }

    private Task PutAsync(Stream source, StoreUri destination, string contentType, IProgressReporter? progress, CancellationToken cancellationToken) =>
        WriteObjectAsync(destination, contentType, async (output, ct) =>
        {
            var buffer = new byte[1 << 16];
            long copied = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, ct)) > 0)
            {
                await output.WriteAsync(buffer.AsMemory(0, read), ct);
                progress?.Report(copied += read);
            }
        }, cancellationToken);

    /// <summary>Writes an object atomically through <paramref name="write"/>, straight into its file (no copy held in memory).</summary>
    public async Task WriteObjectAsync(StoreUri destination, string contentType, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        await AtomicFile.WriteAsync(ObjectPath(destination), write, cancellationToken);
        await AtomicFile.WriteAllBytesAsync(MetadataPath(destination),
            JsonSerializer.SerializeToUtf8Bytes(new ObjectMetadata(contentType), LocalJsonContext.Default.ObjectMetadata), cancellationToken);
    }

    private string ObjectPath(StoreUri uri) => Resolve(_objects, uri, "");

    private string MetadataPath(StoreUri uri) => Resolve(_metadata, uri, ".json");

    /// <summary>
    /// The file for a key, inside its bucket's folder. Absolute keys, '..' that climbs out of the bucket, and bucket
    /// names that are not one plain folder name are refused before anything is read or written.
    /// </summary>
    private static string Resolve(string baseDirectory, StoreUri uri, string suffix)
    {
        if (uri.Bucket is "." or ".." || uri.Bucket.IndexOfAny(['/', '\\', '\0']) >= 0)
            throw new InputException($"{uri}: '{uri.Bucket}' is not a bucket name the local store accepts.");
        if (Path.IsPathRooted(uri.Key) || uri.Key.Contains('\0'))
            throw new InputException($"{uri}: the key is an absolute path; keys are relative to the bucket.");
        var bucketDirectory = Path.GetFullPath(Path.Combine(baseDirectory, uri.Bucket));
        var path = Path.GetFullPath(Path.Combine(bucketDirectory, uri.Key) + suffix);
        if (!path.StartsWith(bucketDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal) && path != bucketDirectory + suffix)
            throw new InputException($"{uri}: the key leaves the local store's bucket folder.");
        return path;
    }
}

internal sealed record ObjectMetadata(string ContentType);
