namespace KnnCli.Core.IO;

/// <summary>
/// Writes files atomically: into a temporary file in the same folder, flushed, then renamed over the target, so a
/// crash or Ctrl-C leaves either the old file or the new one, never half of one.
/// </summary>
public static class AtomicFile
{
    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = TemporaryPathFor(full);
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await write(stream, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    public static Task WriteAllBytesAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        WriteAsync(path, async (stream, ct) => await stream.WriteAsync(bytes, ct), cancellationToken);

    public static Task WriteAllTextAsync(string path, string text, CancellationToken cancellationToken) =>
        WriteAllBytesAsync(path, System.Text.Encoding.UTF8.GetBytes(text), cancellationToken);

    /// <summary>A hidden sibling name, unique per write, naming the writing process (.NAME.PID.GUID.tmp).</summary>
    public static string TemporaryPathFor(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");

    /// <summary>The pid of the process that was writing a temporary file, or null when the name is not one of ours.</summary>
    public static int? WriterOf(string temporaryPath)
    {
        var parts = Path.GetFileName(temporaryPath).Split('.');
        return parts.Length >= 5 && parts[^2].Length == 32 && int.TryParse(parts[^3], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
