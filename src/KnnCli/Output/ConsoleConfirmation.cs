using KnnCli.Core.Workflow;

namespace KnnCli.Output;

/// <summary>Asks on the terminal: the lines and the question on stderr, the answer from stdin; only y or yes proceeds.</summary>
public sealed class ConsoleConfirmation(TextReader input, TextWriter error, bool canAsk) : IConfirmation
{
    public bool CanAsk => canAsk;

    public async Task<bool> AskAsync(IReadOnlyList<string> lines, string question, CancellationToken cancellationToken)
    {
        foreach (var line in lines) await error.WriteLineAsync(line);
        await error.WriteAsync($"{question} [y/N] ");
        await error.FlushAsync(cancellationToken);
        var answer = await input.ReadLineAsync(cancellationToken);
        return answer?.Trim().ToLowerInvariant() is "y" or "yes";
    }
}
