using System.CommandLine;
using KnnCli.Core.Errors;
using KnnCli.Core.Settings;
using KnnCli.Core.State;
using KnnCli.Core.Workflow;
using KnnCli.Output;

namespace KnnCli.Commands;

/// <summary>What a verb's action gets: the workflow context and where to print results.</summary>
public sealed record VerbContext(WorkflowContext Workflow, ResultWriter Results);

/// <summary>
/// Runs a verb's action: resolves the common settings, then maps expected failures to one line on stderr and
/// the design's exit codes (no stack trace), and Ctrl-C to 130.
/// </summary>
public static class CommandRunner
{
    public static void SetVerbAction(this Command command, KnnServices services, Func<ParseResult, VerbContext, CancellationToken, Task> action) =>
        command.SetAction((result, cancellationToken) => RunAsync(result, services, action, cancellationToken));

    public static async Task<int> RunAsync(ParseResult result, KnnServices services, Func<ParseResult, VerbContext, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        var json = result.GetValue(CommonOptions.Json);
        var log = new ConsoleLog(services.Error, result.GetValue(CommonOptions.Quiet) || json, result.GetValue(CommonOptions.Verbose), services.Interactive);
        try
        {
            var state = await new StateStore(Path.Combine(services.WorkingDirectory, ".knn")).LoadAsync(cancellationToken);
            var settings = SettingsResolver.Resolve(CommonOptions.Read(result), services.Environment, services.WorkingDirectory, state);
            var context = new WorkflowContext(settings, services.Targets, log);
            await action(result, new VerbContext(context, new ResultWriter(services.Output, json)), cancellationToken);
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            services.Error.WriteLine("Cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (KnnException e)
        {
            services.Error.WriteLine($"error: {e.Message}");
            return e.ExitCode;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The file system refused (permissions, a full disk, a locked file): the environment, not a bug.
            services.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.UsageOrInput;
        }
    }
}
