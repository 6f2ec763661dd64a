using KnnCli.Core.Targets;
using Spectre.Console;

namespace KnnCli.Output;

/// <summary>
/// Human diagnostics for every verb: status, log lines and progress go to stderr so stdout carries only results
/// (tables, or the one JSON document with --json). --quiet keeps warnings only; --verbose adds detail. Warnings are
/// yellow, and progress (bars, spinners, elapsed time) is drawn only on a terminal (see <see cref="KnnConsole"/>).
/// </summary>
public sealed class ConsoleLog(KnnConsole error, bool quiet, bool verbose, TimeProvider? clock = null) : IWorkflowLog, IDisposable
{
    private readonly Lock _gate = new();
    private readonly LiveProgress _live = new(error, clock ?? TimeProvider.System);

    public void Info(string message)
    {
        if (!quiet) Write(message);
    }

    public void Verbose(string message)
    {
        if (verbose && !quiet) Write(message);
    }

    public void Warn(string message)
    {
        lock (_gate) error.MarkupLine($"[yellow]warning:[/] {Markup.Escape(message)}");
    }

    public void Log(string line)
    {
        if (!quiet) Write(line);
    }

    public IProgressReporter Progress(string label, long total) => Progress(label, total, ProgressUnit.Items);

    public IProgressReporter Progress(string label, long total, ProgressUnit unit) =>
        quiet || !error.Animated ? NoProgress.Instance : _live.Add(label, total, unit);

    public IProgressReporter Wait(string label) => Progress(label, 0, ProgressUnit.Items);

    public void Dispose() => _live.Dispose();

    /// <summary>
    /// Lines go through Spectre's pipeline, so while a progress display is live they are printed above it
    /// instead of through it.
    /// </summary>
    private void Write(string line)
    {
        lock (_gate) error.WriteLine(line);
    }

    private sealed class NoProgress : IProgressReporter
    {
        public static readonly NoProgress Instance = new();

        public void Report(long completed) { }

        public void Dispose() { }
    }
}
