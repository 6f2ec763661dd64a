using System.CommandLine;
using KnnCli.Core.State;
using KnnCli.Core.Workflow;
using KnnCli.Output;
using Spectre.Console;

namespace KnnCli.Commands;

/// <summary>knn status: what the state knows and what is still live.</summary>
public static class StatusCommand
{
    public const string Name = "status";
    public const string Description = "Show the recorded state and what knn made that is still live (and may be costing money)";

    public static Command Create(KnnServices services)
    {
        var command = new Command(Name, Description);
        command.SetVerbAction(services, async (_, verb, ct) =>
        {
            var result = await new StatusWorkflow(verb.Workflow).RunAsync(ct);
            verb.Results.Write(result, CliJsonContext.Default.StatusResult, output => Print(output, result));
        });
        return command.WithExamples("knn status", "knn status --target sagemaker --json");
    }

    /// <summary>Green when serving or done, red when failed, yellow while changing.</summary>
    private static string? StatusStyle(string status) => status switch
    {
        "InService" or "Completed" or "Created" => "green",
        "Failed" or "OutOfService" or "Stopped" => "red",
        _ => "yellow",
    };

    private static void Print(KnnConsole output, StatusResult result)
    {
        if (result.State is not { } state)
        {
            output.WriteLine("Nothing here yet: knn has recorded nothing in this folder; run `knn prepare` to start (or `knn run` for the whole workflow).");
            PrintNotRecorded(output, result);
            return;
        }
        output.WriteLine($"Target: {result.Target}");
        void Show(string name, object? value)
        {
            if (value is not null) output.WriteLine($"{name,-16}{value}");
        }
        Show("Train file:", state.TrainFile);
        Show("Test file:", state.TestFile);
        Show("Train data:", state.TrainUri);
        Show("Test data:", state.TestUri);
        // The status as last recorded; an unfinished job is attached to (and its status brought up to date) by knn wait.
        Show("Training job:", state.TrainingJobName is { } job
            ? $"{job}{(state.TrainingJobStatus is { } status ? $" ({status})" : "")}{(state.TrainingJobStatus is "InProgress" or "Stopping" ? ": `knn wait` attaches to it" : "")}"
            : null);
        // A tuning job runs on (and bills) when its knn was killed: say how to stop it.
        Show("Tuning job:", state.TuningJobName is { } tuning
            ? $"{tuning}{(state.TuningJobStatus is { } tuningStatus ? $" ({tuningStatus})" : "")}{(state.TuningJobStatus is "InProgress"
                ? $": still starting training jobs unless stopped: aws sagemaker stop-hyper-parameter-tuning-job --hyper-parameter-tuning-job-name {tuning}" : "")}"
            : null);
        Show("Model artifact:", state.ModelArtifactUri);
        Show("Endpoint:", result.Endpoint is { } e ? $"{e.EndpointName} ({e.Status}{(e.Url is null ? "" : $", {e.Url}")})" : state.EndpointName);
        output.WriteLine();
        foreach (var gone in result.RecordedNotFound)
            output.WriteLine($"Recorded but not found: {gone.Kind} {gone.Name} (deleted elsewhere; `knn cleanup` forgets it).");
        if (result.Live.Count == 0)
        {
            output.WriteLine("Nothing live.");
            return;
        }
        output.WriteLine("Live resources:");
        var now = DateTimeOffset.UtcNow;
        var rows = result.Live.Select(r => new[] { r.Kind, r.Name, r.Status, r.Created?.ToString("u") ?? "", r.Created is { } created ? Age(now - created) : "" }).ToList();
        output.Table(["kind", "name", "status", "created", "age"], rows, (r, c) => c == 2 ? StatusStyle(rows[r][c]) : null);
        // Local endpoints answer the SageMaker Runtime API too: one line points boto3 or the AWS CLI at each.
        foreach (var resource in state.Resources ?? [])
        {
            if (resource is { Kind: ResourceKinds.Endpoint, Url: { } url } && result.Live.Any(l => l.Is(resource) && l.Status != Failed))
                output.WriteLine($"{resource.Name}: export AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME={url}");
        }
        var target = result.Target == "local" ? "" : " --target " + result.Target;
        // What bills by the hour is named one by one, with the command that removes just it.
        foreach (var endpoint in result.Live.Where(r => r.Kind == ResourceKinds.Endpoint && !result.NotRecorded.Contains(r)))
            output.MarkupLine($"[yellow]{Markup.Escape($"Endpoint {endpoint.Name} is {endpoint.Status}{(endpoint.Created is { } created ? $" (up {Age(now - created)})" : "")}: "
                + (endpoint.Status == Failed ? "it serves nothing" : result.Target == "local" ? "a knn serve process holds its port" : "it bills for every hour it runs")
                + $"; `knn cleanup{target} --endpoint-name {endpoint.Name}` deletes it.")}[/]");
        if (result.Live.Count > result.NotRecorded.Count)
            output.WriteLine($"They may be costing money: `knn cleanup{target}` deletes what this folder recorded.");
        PrintNotRecorded(output, result);
    }

    /// <summary>An endpoint that serves nothing: a local one whose server is gone, or one SageMaker could not start.</summary>
    private const string Failed = "Failed";

    private static void PrintNotRecorded(KnnConsole output, StatusResult result)
    {
        if (result.NotRecorded.Count > 0)
            output.WriteLine($"Not recorded in this folder: {string.Join(", ", result.NotRecorded.Select(r => $"{r.Kind} {r.Name}"))}; `knn cleanup --all` deletes every resource knn tagged.");
    }

    /// <summary>How long ago, in the largest units that say it: 45 s, 12 min, 3 h 5 min, 2 d 4 h.</summary>
    internal static string Age(TimeSpan age) => age switch
    {
        { TotalSeconds: < 60 } => $"{Math.Max(0, (int)age.TotalSeconds)} s",
        { TotalMinutes: < 60 } => $"{(int)age.TotalMinutes} min",
        { TotalHours: < 24 } => $"{(int)age.TotalHours} h {age.Minutes} min",
        _ => $"{(int)age.TotalDays} d {age.Hours} h",
    };
}
