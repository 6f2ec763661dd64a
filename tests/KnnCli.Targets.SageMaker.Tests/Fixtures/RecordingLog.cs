using KnnCli.Core.Targets;

namespace KnnCli.Targets.SageMaker.Tests.Fixtures;

/// <summary>An IWorkflowLog that keeps every line, for assertions.</summary>
public sealed class RecordingLog : IWorkflowLog
{
    private readonly List<string> _info = [];
    private readonly List<string> _logLines = [];

    public IReadOnlyList<string> InfoLines { get { lock (_info) return [.. _info]; } }

    public IReadOnlyList<string> LogLines { get { lock (_logLines) return [.. _logLines]; } }

    public List<long> ProgressReports { get; } = [];

    public void Info(string message) { lock (_info) _info.Add(message); }

    public void Verbose(string message) { lock (_info) _info.Add(message); }

    public void Warn(string message) { lock (_info) _info.Add(message); }

    public void Log(string line) { lock (_logLines) _logLines.Add(line); }

    public IProgressReporter Progress(string label, long total) => new Reporter(ProgressReports);

    private sealed class Reporter(List<long> reports) : IProgressReporter
    {
        public void Report(long completed) { lock (reports) reports.Add(completed); }

        public void Dispose() { }
    }
}
