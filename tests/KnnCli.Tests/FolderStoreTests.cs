using KnnCli.Core.Errors;
using KnnCli.Core.Targets;
using KnnCli.Targets.Local;

namespace KnnCli.Tests;

/// <summary>The local store keeps every key inside its bucket folder: keys that try to leave are refused before any I/O.</summary>
public sealed class FolderStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("knn-store-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("knn-local", "../../../outside.txt")]
    [InlineData("knn-local", "data/../../other-bucket/x")]
    [InlineData("knn-local", "/tmp/knn-absolute-key.txt")]
    [InlineData("..", "outside.txt")]
    public async Task Keys_that_leave_the_store_folder_are_refused_and_nothing_is_written(string bucket, string key)
    {
        var store = new FolderStore(Path.Combine(_folder, "store"));
        var local = Path.Combine(_folder, "input.csv");
        await File.WriteAllTextAsync(local, "1,2,3\n");
        var uri = new StoreUri(bucket, key);

        var put = await Assert.ThrowsAsync<InputException>(() => store.PutFileAsync(local, uri, "text/csv", null, CancellationToken.None));
        await Assert.ThrowsAsync<InputException>(() => store.OpenReadAsync(uri, CancellationToken.None));
        await Assert.ThrowsAsync<InputException>(() => store.ExistsAsync(uri, CancellationToken.None));

        Assert.Equal(ExitCodes.UsageOrInput, put.ExitCode);
        Assert.StartsWith($"s3://{bucket}/{key}: ", put.Message);
        Assert.False(File.Exists("/tmp/knn-absolute-key.txt"));
        Assert.Equal([local], Directory.EnumerateFiles(_folder, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Keys_with_dots_that_stay_inside_the_bucket_are_kept()
    {
        var store = new FolderStore(Path.Combine(_folder, "store"));
        var local = Path.Combine(_folder, "input.csv");
        await File.WriteAllTextAsync(local, "1,2,3\n");

        await store.PutFileAsync(local, new StoreUri("knn-local", "a/../b/train..csv"), "text/csv", null, CancellationToken.None);

        Assert.True(await store.ExistsAsync(new StoreUri("knn-local", "b/train..csv"), CancellationToken.None));
    }
}
