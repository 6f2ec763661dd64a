using System.Text.Json.Serialization;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Workflow;

public sealed record LogsResult(
    [property: JsonPropertyName("job_name")] string JobName,
    [property: JsonPropertyName("lines")] IReadOnlyList<string> Lines);

/// <summary>logs: a training job's container log so far (by default the last train's job), as CloudWatch holds it.</summary>
public sealed class LogsWorkflow(WorkflowContext context)
{
    public async Task<LogsResult> RunAsync(string? jobName, CancellationToken cancellationToken)
    {
        ResourceNames.TrainingJob.Check("--job-name", jobName);
        var state = await context.State.LoadAsync(cancellationToken);
        var name = WaitWorkflow.JobNameOrRecorded(jobName, state, "logs");
        await using var target = context.CreateTarget();
        var lines = new List<string>();
        await foreach (var line in target.Trainer.ReadLogAsync(name, cancellationToken)) lines.Add(line);
        return new LogsResult(name, lines);
    }
}
