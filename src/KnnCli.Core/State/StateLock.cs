using System.Globalization;
using KnnCli.Core.Errors;
using KnnCli.Core.IO;

namespace KnnCli.Core.State;

/// <summary>
/// One knn process at a time changes .knn/state.json: an exclusive lock on .knn/state.lock (an OS lock, so a process
/// killed with kill -9 releases it), with the holder's pid beside it in .knn/state.lock.pid for the message.
/// </summary>
internal sealed class StateLock : IDisposable
{
    /// <summary>How long a second process waits for the first to finish its update before it gives up.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly FileStream _lock;

    private StateLock(FileStream held) => _lock = held;

    public static async Task<StateLock> AcquireAsync(string stateDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = Path.Combine(stateDirectory, "state.lock");
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                var held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                await AtomicFile.WriteAllTextAsync(path + ".pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), cancellationToken);
                return new StateLock(held);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
            catch (IOException e)
            {
                var owner = File.Exists(path + ".pid") ? File.ReadAllText(path + ".pid").Trim() : "unknown";
                throw new InputException($"another knn (pid {owner}) is using {stateDirectory}/ and has not let go of it for {Patience.TotalSeconds:0} s; "
                    + "wait for it to finish (or stop it), then run this command again.", e);
            }
        }
    }

    public void Dispose() => _lock.Dispose();
}
