using System.Diagnostics;
using System.Runtime.InteropServices;
using KnnCli.Core.IO;

namespace KnnCli.Targets.Local;

/// <summary>
/// Starts and stops the background `knn serve` process that backs a local endpoint. The child writes to a log
/// file, never to our stdout, so it does not hold the caller's pipes open after `knn deploy` exits.
/// </summary>
internal static partial class ServerProcess
{
    /// <summary>The line `knn serve` prints once it is listening; the address follows it.</summary>
    public const string ListeningPrefix = "Listening on ";

    public static Process Start(IEnumerable<string> serveArguments)
    {
        var (fileName, prefix) = SelfCommand();
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var argument in prefix.Concat(serveArguments)) start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        process.StandardInput.Close();
        return process;
    }

    /// <summary>
    /// How to run this tool again: the `knn` apphost when that is what runs, else `dotnet knn.dll` from this
    /// tool's folder (dotnet run, dotnet tool, and tests hosting the tool's assemblies).
    /// </summary>
    private static (string FileName, string[] Prefix) SelfCommand()
    {
        var processPath = Environment.ProcessPath ?? "dotnet";
        if (Path.GetFileNameWithoutExtension(processPath) == "knn") return (processPath, []);
        var dll = Path.Combine(AppContext.BaseDirectory, "knn.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"Cannot find knn.dll next to {AppContext.BaseDirectory} to start the local endpoint server.");
        var dotnet = Path.GetFileNameWithoutExtension(processPath) == "dotnet" ? processPath : "dotnet";
        return (dotnet, [dll]);
    }

    /// <summary>Asks the server to stop (SIGTERM: in-flight requests finish), then kills it if it has not within the grace period.</summary>
    public static async Task StopAsync(int processId, DateTimeOffset started, TimeSpan grace)
    {
        if (!ProcessIds.IsAlive(processId, started)) return;
        using var process = Process.GetProcessById(processId);
        if (!OperatingSystem.IsWindows()) _ = Kill(processId, SignalTerminate);
        else process.Kill(entireProcessTree: true);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    private const int SignalTerminate = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
