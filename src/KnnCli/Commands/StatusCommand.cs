using System.CommandLine;
using KnnCli.Core.Workflow;
using KnnCli.Output;

namespace KnnCli.Commands;

/// <summary>knn status: what the state knows and what is still live.</summary>
public static class StatusCommand
{
    public static Command Create(KnnServices services)
    {
        var command = new Command("status", "Show the recorded state and what knn made that is still live (and may be costing money)");
        command.SetVerbAction(services, async (_, verb, ct) =>
        {
            var result = await new StatusWorkflow(verb.Workflow).RunAsync(ct);
            verb.Results.Write(result, CliJsonContext.Default.StatusResult, output => Print(output, result));
        });
        return command;
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
        var state = result.State;
        output.WriteLine($"Target: {result.Target}");
        void Show(string name, object? value)
        {
            if (value is not null) output.WriteLine($"{name,-16}{value}");
        }
        Show("Train file:", state.TrainFile);
        Show("Test file:", state.TestFile);
        Show("Train data:", state.TrainUri);
        Show("Test data:", state.TestUri);
        Show("Training job:", state.TrainingJobName);
        Show("Model artifact:", state.ModelArtifactUri);
        Show("Endpoint:", result.Endpoint is { } e ? $"{e.EndpointName} ({e.Status}{(e.Url is null ? "" : $", {e.Url}")})" : state.EndpointName);
        output.WriteLine();
        if (result.Live.Count == 0)
        {
            output.WriteLine("Nothing live.");
            return;
        }
        output.WriteLine("Live resources:");
        var rows = result.Live.Select(r => new[] { r.Kind, r.Name, r.Status, r.Created?.ToString("u") ?? "" }).ToList();
        output.Table(["kind", "name", "status", "created"], rows, (r, c) => c == 2 ? StatusStyle(rows[r][c]) : null);
    }
}
