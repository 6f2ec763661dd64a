using KnnCli.Core.Settings;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Tests;

/// <summary>An IWorkflowLog that keeps every line, for assertions.</summary>
internal sealed class RecordingLog : IWorkflowLog
{
    public List<string> Lines { get; } = [];

    public void Info(string message) => Lines.Add(message);

    public void Verbose(string message) => Lines.Add(message);

    public void Warn(string message) => Lines.Add($"warning: {message}");

    public void Log(string line) => Lines.Add(line);

    public IProgressReporter Progress(string label, long total) => new NoProgress();

    private sealed class NoProgress : IProgressReporter
    {
        public void Report(long completed) { }

        public void Dispose() { }
    }
}

/// <summary>For workflows that must not touch a target (prepare): any use fails the test.</summary>
internal sealed class NoTargets : ITargetFactory
{
    public ITarget Create(CommonSettings settings, IWorkflowLog log) => throw new InvalidOperationException("This workflow must not need a target.");
}
