using Microsoft.Extensions.Logging;

namespace KnnCli.Serving;

/// <summary>
/// The server's only log: errors (an unexpected exception behind a 500, a failure inside Kestrel), one line each,
/// to a writer of the caller's choosing. Nothing below Error is enabled, so the request path never formats a message.
/// </summary>
internal sealed class ErrorLogProvider(TextWriter writer) : ILoggerProvider
{
    private readonly TextWriter _writer = TextWriter.Synchronized(writer);

    public ILogger CreateLogger(string categoryName) => new ErrorLogger(_writer, categoryName);

    public void Dispose() => _writer.Flush();

    private sealed class ErrorLogger(TextWriter writer, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var detail = exception is null ? "" : $" | {exception}";
            writer.WriteLine($"{DateTimeOffset.UtcNow:O} {logLevel} {category}: {formatter(state, exception)}{detail}".ReplaceLineEndings(" | "));
            writer.Flush();
        }
    }
}
