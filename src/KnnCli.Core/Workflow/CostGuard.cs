using System.Globalization;
using KnnCli.Core.Errors;

namespace KnnCli.Core.Workflow;

/// <summary>
/// Instances a command starts on SageMaker: what for, type and count, how many jobs at most, and how long each
/// instance may run (null: nothing stops it, as an endpoint bills until it is deleted).
/// </summary>
public sealed record InstanceSpend(string Purpose, string InstanceType, int InstanceCount, TimeSpan? MaxRuntime, string Limit, int MaxJobs = 1)
{
    /// <summary>The most instance-hours these instances can bill; null when unbounded.</summary>
    public double? MaxInstanceHours => MaxRuntime is { } runtime ? InstanceCount * MaxJobs * runtime.TotalHours : null;

    public string Describe()
    {
        var jobs = MaxJobs > 1 ? $"up to {MaxJobs.ToString(CultureInfo.InvariantCulture)} jobs × " : "";
        var bound = MaxInstanceHours is { } hours
            ? $"at most {Hours(hours)} instance-hours ({Limit})"
            : $"no upper bound ({Limit})";
        return $"{Purpose}: {jobs}{InstanceCount.ToString(CultureInfo.InvariantCulture)} × {InstanceType}, {bound}";
    }

    private static string Hours(double hours) => hours.ToString(hours >= 10 ? "N0" : "0.##", CultureInfo.InvariantCulture);
}

/// <summary>Asks the person at the terminal; <see cref="CanAsk"/> is false when there is no terminal to ask on.</summary>
public interface IConfirmation
{
    bool CanAsk { get; }

    /// <summary>Shows the lines and the question; true only for a yes.</summary>
    Task<bool> AskAsync(IReadOnlyList<string> lines, string question, CancellationToken cancellationToken);
}

/// <summary>No terminal: nothing can be asked (CI, pipes, tests).</summary>
public sealed class NoTerminal : IConfirmation
{
    public static readonly NoTerminal Instance = new();

    public bool CanAsk => false;

    public Task<bool> AskAsync(IReadOnlyList<string> lines, string question, CancellationToken cancellationToken) => Task.FromResult(false);
}

/// <summary>
/// Before anything starts SageMaker instances: print what starts and the most instance-hours it can bill, then ask
/// on a terminal, proceed with --yes, and refuse without --yes when there is no terminal. One confirmation covers
/// the rest of the command (knn run asks once for training and the endpoint). The local target costs nothing.
/// </summary>
public sealed class CostGuard(IConfirmation confirmation)
{
    private bool _confirmed;

    public async Task ConfirmAsync(WorkflowContext context, string verb, IReadOnlyList<InstanceSpend> spends, CancellationToken cancellationToken)
    {
        if (context.Settings.Target != "sagemaker" || spends.Count == 0 || _confirmed) return;
        var lines = spends.Select(s => s.Describe()).ToArray();
        if (context.Settings.DryRun || context.Settings.AssumeYes)
        {
            var marker = context.Settings.DryRun ? "[dry-run] would start" : "Starting";
            foreach (var line in lines) context.Log.Info($"{marker} {line}");
            _confirmed = context.Settings.AssumeYes;
            return;
        }

        if (!confirmation.CanAsk)
            throw new InputException($"{verb} starts SageMaker instances ({string.Join("; ", lines)}): pass --yes to confirm (there is no terminal to ask on).");
        if (!await confirmation.AskAsync(lines, $"{verb}: start these SageMaker instances?", cancellationToken))
            throw new KnnException(ExitCodes.Cancelled, $"{verb} not confirmed: nothing was started.");
        _confirmed = true;
    }

    /// <summary>Before deleting what cannot be recovered (uploaded data, model artifacts): ask, or --yes.</summary>
    public async Task ConfirmDeleteAsync(WorkflowContext context, string verb, IReadOnlyList<string> lines, CancellationToken cancellationToken)
    {
        if (context.Settings.DryRun || context.Settings.AssumeYes || lines.Count == 0) return;
        if (!confirmation.CanAsk)
            throw new InputException($"{verb} deletes {string.Join("; ", lines)}: pass --yes to confirm (there is no terminal to ask on).");
        if (!await confirmation.AskAsync(lines, $"{verb}: delete these for good?", cancellationToken))
            throw new KnnException(ExitCodes.Cancelled, $"{verb} not confirmed: nothing was deleted.");
    }
}
