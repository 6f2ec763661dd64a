using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.InteropServices;
using KnnCli.Engine.ModelFiles;

namespace KnnCli.Engine.Tests.ModelFiles;

/// <summary>
/// Runs tests/python/faiss_interop.py with Debian's /usr/bin/python3 (python3-faiss, python3-numpy). A missing
/// interpreter or module fails the test: the interop with real faiss is what these tests prove.
/// </summary>
internal static class PythonFaiss
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static string Script { get; } = DebianPython.Script("faiss_interop.py");

    /// <summary>Runs the script with <paramref name="arguments"/> and returns its standard output.</summary>
    public static Task<string> RunAsync(params string[] arguments) =>
        DebianPython.RunAsync(Script, "python3-faiss and python3-numpy", Timeout, arguments);

    /// <summary>faiss.read_index(<paramref name="indexFile"/>).search(queries, k): distances and ids, k per query, and what faiss read ("class metric", e.g. "IndexFlat L2").</summary>
    public static async Task<(float[] Distances, long[] Ids, string ReadAs)> SearchAsync(string indexFile, float[] queries, int k, string workDirectory)
    {
        var prefix = Path.Combine(workDirectory, Path.GetFileNameWithoutExtension(indexFile) + ".result");
        var queryFile = prefix + ".queries.f32";
        await WriteRawAsync(queryFile, queries);
        var output = await RunAsync("search", indexFile, queryFile, k.ToString(System.Globalization.CultureInfo.InvariantCulture), prefix);
        using var summary = System.Text.Json.JsonDocument.Parse(output);
        return (await ReadRawAsync<float>(prefix + ".distances.f32"), await ReadRawAsync<long>(prefix + ".ids.i64"), $"{summary.RootElement.GetProperty("class").GetString()} {summary.RootElement.GetProperty("metric").GetString()}");
    }

    /// <summary>Every vector of the index as faiss decodes it.</summary>
    public static async Task<float[]> ReconstructAsync(string indexFile, string workDirectory)
    {
        var output = Path.Combine(workDirectory, Path.GetFileNameWithoutExtension(indexFile) + ".reconstructed.f32");
        await RunAsync("reconstruct", indexFile, output);
        return await ReadRawAsync<float>(output);
    }

    public static async Task<T[]> ReadRawAsync<T>(string path) where T : unmanaged =>
        MemoryMarshal.Cast<byte, T>(await File.ReadAllBytesAsync(path)).ToArray();

    public static Task WriteRawAsync<T>(string path, T[] values) where T : unmanaged =>
        File.WriteAllBytesAsync(path, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>Writes <paramref name="index"/> with our writer to <paramref name="path"/>.</summary>
    public static async Task WriteIndexAsync(string path, FaissIndexData index)
    {
        await using var file = File.Create(path);
        await FaissIndexFormat.WriteAsync(file, index, CancellationToken.None);
    }

    public static async Task<FaissIndexData> ReadIndexAsync(string path)
    {
        await using var file = File.OpenRead(path);
        return await FaissIndexFormat.ReadAsync(file, file.Length, Path.GetFileName(path), CancellationToken.None);
    }

    /// <summary>Extracts one entry of a model.tar.gz to a file.</summary>
    public static async Task ExtractEntryAsync(byte[] artifact, string entryName, string path)
    {
        await using var gzip = new GZipStream(new MemoryStream(artifact), CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            if (entry.Name != entryName) continue;
            await entry.ExtractToFileAsync(path, overwrite: true);
            return;
        }
        Assert.Fail($"The artifact has no {entryName}.");
    }
}

/// <summary>A temporary directory, deleted with everything in it.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("knn-faiss-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
