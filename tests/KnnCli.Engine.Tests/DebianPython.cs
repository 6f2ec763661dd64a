using System.Diagnostics;

namespace KnnCli.Engine.Tests;

/// <summary>
/// Runs a reference script with Debian's /usr/bin/python3, which sees python3-faiss and python3-sklearn. A missing
/// interpreter, module or data set fails the calling test (never skips it): agreement with the reference is the point.
/// </summary>
internal static class DebianPython
{
    private const string Interpreter = "/usr/bin/python3";

    /// <summary>The path of a reference script in the repository's tests/python folder.</summary>
    public static string Script(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "KnnCli.sln"))) return Path.Combine(directory.FullName, "tests", "python", name);
        }
        throw new InvalidOperationException($"No KnnCli.sln above {AppContext.BaseDirectory}.");
    }

    /// <param name="needs">What the script needs, named in the failure message (e.g. "python3-faiss and python3-numpy").</param>
    /// <returns>The script's standard output.</returns>
    public static async Task<string> RunAsync(string script, string needs, TimeSpan timeout, params string[] arguments)
    {
        Assert.True(File.Exists(Interpreter), $"{Interpreter} is missing; these tests need Debian's python3 with {needs} (.ci/apt-packages.txt).");
        Assert.True(File.Exists(script), $"{script} is missing.");
        var start = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        using var deadline = new CancellationTokenSource(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        if (process.ExitCode != 0)
        {
            Assert.Fail($"{Path.GetFileName(script)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stderr}{await stdout}\n" +
                        $"These tests need {needs} (apt-get install -y, see .ci/apt-packages.txt).");
        }
        return await stdout;
    }
}
