using System.Text.Json.Serialization;
using KnnCli.Core.Errors;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Workflow;

public sealed record DoctorResult(
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("passed")] bool Passed,
    [property: JsonPropertyName("checks")] IReadOnlyList<CheckResult> Checks)
{
    /// <summary>
    /// The exit of a doctor that found a problem: 3 on sagemaker (credentials, region, bucket, role: AWS
    /// configuration), 2 on local (the folder or the machine). A warning alone does not fail it.
    /// </summary>
    public KnnException Failure()
    {
        var failed = Checks.Where(c => c.Status == CheckStatus.Fail).Select(c => c.Name).ToList();
        var message = $"{failed.Count} of {Checks.Count} checks failed ({string.Join(", ", failed)}); each says how to fix it above.";
        return new KnnException(Target == "local" ? ExitCodes.UsageOrInput : ExitCodes.AwsConfiguration, message);
    }
}

/// <summary>doctor: runs the target's checks (each one line with its fix) and passes only when none failed.</summary>
public sealed class DoctorWorkflow(WorkflowContext context)
{
    public async Task<DoctorResult> RunAsync(CancellationToken cancellationToken)
    {
        var state = await context.State.LoadAsync(cancellationToken);
        var checks = context.CreateChecks() is { } target
            ? await target.RunAsync(state, cancellationToken)
            : [CheckResult.Pass("target", $"nothing to check for the {context.Settings.Target} target")];
        return new DoctorResult(context.Settings.Target, checks.All(c => c.Status is CheckStatus.Pass or CheckStatus.Warn), checks);
    }
}
