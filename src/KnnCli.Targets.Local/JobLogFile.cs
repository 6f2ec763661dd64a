using KnnCli.Core.Targets;

namespace KnnCli.Targets.Local;

/// <summary>Passes everything on to the command's log and also appends the container's log lines to the job's log file.</summary>
internal sealed class JobLogFile(string path, IWorkflowLog inner) : IWorkflowLog, IAsyncDisposable
{
    private readonly StreamWriter _file = new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read)) { AutoFlush = true };

    public void Info(string message) => inner.Info(message);

    public void Verbose(string message) => inner.Verbose(message);

    public void Warn(string message) => inner.Warn(message);

    public void Log(string line)
    {
        _file.WriteLine(line);
        inner.Log(line);
    }

    public IProgressReporter Progress(string label, long total) => inner.Progress(label, total);

    public IProgressReporter Progress(string label, long total, ProgressUnit unit) => inner.Progress(label, total, unit);

    public IProgressReporter Wait(string label) => inner.Wait(label);

    public ValueTask DisposeAsync() => _file.DisposeAsync();
}
