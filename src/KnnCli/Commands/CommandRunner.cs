using System.CommandLine;
using KnnCli.Core.Errors;
using KnnCli.Core.IO;
using KnnCli.Core.Settings;
using KnnCli.Core.State;
using KnnCli.Core.Workflow;
using KnnCli.Output;

namespace KnnCli.Commands;

/// <summary>What a verb's action gets: the workflow context and where to print results.</summary>
public sealed record VerbContext(WorkflowContext Workflow, ResultWriter Results);

/// <summary>
/// Runs a verb's action: resolves the common settings, then maps every failure to one `error: …` line on stderr and
/// an exit code chosen by the exception's type (the design's codes; 70 for a bug), and Ctrl-C to 130. The stack
/// trace is printed only with --verbose.
/// </summary>
public static class CommandRunner
{
    public static void SetVerbAction(this Command command, KnnServices services, Func<ParseResult, VerbContext, CancellationToken, Task> action) =>
        command.SetAction((result, cancellationToken) => RunAsync(result, services, action, cancellationToken));

    public static async Task<int> RunAsync(ParseResult result, KnnServices services, Func<ParseResult, VerbContext, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        var json = result.GetValue(CommonOptions.Json);
        var verbose = result.GetValue(CommonOptions.Verbose);
        var dryRun = result.GetValue(CommonOptions.DryRun);
        // A dry run marks every line it prints; the one JSON document gets "dry_run": true instead. Its lines are
        // plain (no colour, no live progress) so that each one starts with the mark.
        using var dryRunError = dryRun ? new DryRunWriter(services.Error) : null;
        using var dryRunOutput = dryRun && !json ? new DryRunWriter(services.Output) : null;
        if (dryRun)
            services = services with { Error = dryRunError!, Output = dryRunOutput ?? services.Output, Interactive = false, OutputIsTerminal = false, OutputConsole = null, ErrorConsole = null };
        var error = services.CreateErrorConsole();
        using var log = new ConsoleLog(error, result.GetValue(CommonOptions.Quiet) || json, verbose, services.Clock);
        try
        {
            var options = CommonOptions.Read(result);
            var target = SettingsResolver.ResolveTarget(options, services.Environment, services.WorkingDirectory);
            var state = await new StateStore(CommonSettings.StateDirectoryOf(services.WorkingDirectory), target).LoadAsync(cancellationToken);
            var settings = SettingsResolver.Resolve(options, services.Environment, services.WorkingDirectory, state);
            // A dry run changes nothing, not even the leftovers of a killed run.
            if (!settings.DryRun) LeftoverFiles.Sweep(settings.StateDirectory, log);
            var context = new WorkflowContext(settings, services.Targets, log)
            {
                Costs = new CostGuard(new ConsoleConfirmation(services.Input, services.Error, services.Interactive && services.InputIsTerminal)),
            };
            await action(result, new VerbContext(context, new ResultWriter(services.CreateOutputConsole(), json, dryRun)), cancellationToken);
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error.WriteLine("Cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (KnnException e)
        {
            return Fail(error, OneLine(e.Message), e, verbose, e.ExitCode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The file system refused (permissions, a full disk, a locked file): the environment, not a bug.
            return Fail(error, OneLine(e.Message), e, verbose, ExitCodes.UsageOrInput);
        }
        catch (Exception e)
        {
            return Fail(error,
                $"internal error: {OneLine(e.Message)} ({e.GetType().Name}); this is a bug in knn: run again with --verbose for the details and report it",
                e, verbose, ExitCodes.InternalError);
        }
    }

    /// <summary>Longest error line printed: messages quote excerpts of bad values, this bounds what slips through.</summary>
    private const int MaxMessage = 1000;

    private static int Fail(KnnConsole error, string message, Exception exception, bool verbose, int exitCode)
    {
        error.MarkupLine($"[red bold]error:[/] {Spectre.Console.Markup.Escape(message)}");
        if (verbose) error.WriteLine(exception.ToString());
        return exitCode;
    }

    private static string OneLine(string message)
    {
        var line = message.ReplaceLineEndings(" ").Trim();
        return line.Length <= MaxMessage ? line : $"{line[..MaxMessage]}…";
    }
}
