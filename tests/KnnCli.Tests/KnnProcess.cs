using System.Diagnostics;

namespace KnnCli.Tests;

public sealed record KnnRun(int ExitCode, string Output, string Error);

/// <summary>Runs the real `knn` tool (knn.dll from this test's output folder) in a working directory, as a user would.</summary>
public static class KnnProcess
{
    public static async Task<KnnRun> RunAsync(string workingDirectory, params string[] args) =>
        await RunAsync(workingDirectory, new Dictionary<string, string?>(), args);

    /// <summary>`dotnet knn.dll ARGS` in the folder, all pipes redirected, with none of the caller's knn/AWS settings.</summary>
    private static ProcessStartInfo StartInfo(string workingDirectory, IReadOnlyDictionary<string, string?> environment, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "knn.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var name in new[] { "KNN_TARGET", "KNN_BUCKET", "KNN_PREFIX", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION" })
            start.Environment.Remove(name);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return start;
    }

    public static async Task<KnnRun> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, environment, args))!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"knn {string.Join(' ', args)} did not finish in 3 minutes.");
        }
        return new KnnRun(process.ExitCode, await output, await error);
    }

    /// <summary>Runs knn, sends SIGINT (as Ctrl-C does) once stderr shows <paramref name="trigger"/>, and waits for it to end.</summary>
    public static Task<KnnRun> RunAndInterruptAsync(string workingDirectory, string trigger, params string[] args) =>
        RunAndSignalAsync(workingDirectory, trigger, "INT", args);

    /// <summary>Runs knn and kills it with SIGKILL (kill -9: no clean-up runs) once stderr shows <paramref name="trigger"/>.</summary>
    public static Task<KnnRun> RunAndKillAsync(string workingDirectory, string trigger, params string[] args) =>
        RunAndSignalAsync(workingDirectory, trigger, "KILL", args);

    private static async Task<KnnRun> RunAndSignalAsync(string workingDirectory, string trigger, string signal, string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, new Dictionary<string, string?>(), args))!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = new System.Text.StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
        {
            error.AppendLine(line);
            if (!line.Contains(trigger, StringComparison.Ordinal)) continue;
            using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync(timeout.Token);
            break;
        }
        error.Append(await process.StandardError.ReadToEndAsync(timeout.Token));
        await process.WaitForExitAsync(timeout.Token);
        return new KnnRun(process.ExitCode, await output, error.ToString());
    }

    /// <summary>
    /// Starts knn, waits until stdout shows <paramref name="trigger"/>, hands that line to <paramref name="whileRunning"/>,
    /// then sends SIGINT (as Ctrl-C does) and waits for it to end. A process that ends before the trigger is returned as is.
    /// </summary>
    public static async Task<KnnRun> RunWhileAsync(string workingDirectory, string trigger, Func<string, Task> whileRunning, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, new Dictionary<string, string?>(), args))!;
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        var output = new System.Text.StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                output.AppendLine(line);
                if (!line.Contains(trigger, StringComparison.Ordinal)) continue;
                await whileRunning(line);
                using var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync(timeout.Token);
                break;
            }
            output.Append(await process.StandardOutput.ReadToEndAsync(timeout.Token));
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        return new KnnRun(process.ExitCode, output.ToString(), await error);
    }

    public static bool IsAlive(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
