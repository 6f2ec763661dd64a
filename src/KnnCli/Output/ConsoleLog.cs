using KnnCli.Core.Targets;
using Spectre.Console;

namespace KnnCli.Output;

/// <summary>
/// Human diagnostics for every verb: status, log lines and progress go to stderr so stdout carries only results
/// (tables, or the one JSON document with --json). --quiet keeps warnings only; --verbose adds detail. Warnings are
/// yellow and progress is drawn only on a terminal (see <see cref="KnnConsole"/>).
/// </summary>
public sealed class ConsoleLog(KnnConsole error, bool quiet, bool verbose) : IWorkflowLog
{
    private readonly Lock _gate = new();

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

    public IProgressReporter Progress(string label, long total) =>
        quiet || !error.Animated || total <= 0 ? NoProgress.Instance : new ProgressBar(this, label, total);

    private void Write(string line)
    {
        lock (_gate) error.WriteLine(line);
    }

    private void WriteInPlace(string text)
    {
        lock (_gate) error.Ansi.Profile.Out.Writer.Write(text);
    }

    private sealed class NoProgress : IProgressReporter
    {
        public static readonly NoProgress Instance = new();

        public void Report(long completed) { }

        public void Dispose() { }
    }

    /// <summary>A one-line bar redrawn in place with \r, at most ten times a second.</summary>
    private sealed class ProgressBar(ConsoleLog owner, string label, long total) : IProgressReporter
    {
        private long _lastDraw;
        private long _completed;

        public void Report(long completed)
        {
            _completed = completed;
            var now = Environment.TickCount64;
            if (completed < total && now - _lastDraw < 100) return;
            _lastDraw = now;
            Draw();
        }

        public void Dispose()
        {
            owner.WriteInPlace("\r\u001b[2K");
        }

        private void Draw()
        {
            const int width = 30;
            var fraction = Math.Clamp((double)_completed / total, 0, 1);
            var filled = (int)(fraction * width);
            owner.WriteInPlace($"\r{label} [{new string('#', filled)}{new string('.', width - filled)}] {fraction,4:P0} ({_completed:N0}/{total:N0})");
        }
    }
}
