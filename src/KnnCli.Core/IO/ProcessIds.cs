using System.ComponentModel;
using System.Diagnostics;

namespace KnnCli.Core.IO;

/// <summary>Whether a process knn recorded by its pid still runs.</summary>
public static class ProcessIds
{
    /// <summary>
    /// True when the process is alive and, when <paramref name="started"/> is known, is the one started then (within
    /// 2 s), so a pid the system has since given to another process is not taken for it.
    /// </summary>
    public static bool IsAlive(int processId, DateTimeOffset? started = null)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited && (started is not { } expected || Math.Abs((process.StartTime.ToUniversalTime() - expected.UtcDateTime).TotalSeconds) < 2);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Win32Exception)
        {
            return false;
        }
    }
}
