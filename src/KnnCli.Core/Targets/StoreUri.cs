using KnnCli.Core.Errors;

namespace KnnCli.Core.Targets;

/// <summary>An object's address in a store, written <c>s3://bucket/key</c> on every target.</summary>
public readonly record struct StoreUri(string Bucket, string Key)
{
    public static bool IsStoreUri(string value) => value.StartsWith("s3://", StringComparison.Ordinal);

    public static StoreUri Parse(string value)
    {
        if (!IsStoreUri(value))
            throw new InputException($"'{value}' is not an s3://bucket/key URI.");
        var rest = value["s3://".Length..];
        var slash = rest.IndexOf('/');
        var bucket = slash < 0 ? rest : rest[..slash];
        var key = slash < 0 ? "" : rest[(slash + 1)..];
        if (bucket.Length == 0) throw new InputException($"'{value}' names no bucket.");
        return new StoreUri(bucket, key);
    }

    /// <summary>This URI with <paramref name="relative"/> appended as a key path.</summary>
    public StoreUri Append(string relative) =>
        new(Bucket, Key.Length == 0 ? relative : Key.TrimEnd('/') + "/" + relative.TrimStart('/'));

    public override string ToString() => $"s3://{Bucket}/{Key}";
}
