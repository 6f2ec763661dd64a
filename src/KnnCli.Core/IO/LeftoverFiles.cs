using KnnCli.Core.Targets;

namespace KnnCli.Core.IO;

/// <summary>
/// Removes the temporary files a killed knn left in .knn/ (kill -9 or a crash mid-write: <see cref="AtomicFile"/>
/// never got to rename or delete them). Each name carries its writer's pid, so only a dead writer's files go.
/// </summary>
public static class LeftoverFiles
{
    public static void Sweep(string stateDirectory, IWorkflowLog log)
    {
        if (!Directory.Exists(stateDirectory)) return;
        foreach (var path in Directory.EnumerateFiles(stateDirectory, ".*.tmp", SearchOption.AllDirectories))
        {
            if (AtomicFile.WriterOf(path) is not { } pid || ProcessIds.IsAlive(pid)) continue;
            try
            {
                File.Delete(path);
                log.Verbose($"Removed {path}, left by knn (pid {pid}), which ended in the middle of writing it.");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.Verbose($"Could not remove the leftover {path}: {e.Message}");
            }
        }
    }
}
