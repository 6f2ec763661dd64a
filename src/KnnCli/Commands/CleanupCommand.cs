using System.CommandLine;
using KnnCli.Core.Workflow;
using KnnCli.Output;

namespace KnnCli.Commands;

/// <summary>knn cleanup: delete endpoint, endpoint config and model (idempotent); optionally the uploaded data.</summary>
public static class CleanupCommand
{
    public static readonly Option<string?> EndpointName = new("--endpoint-name") { Description = "Endpoint to delete (default: from knn deploy)" };
    public static readonly Option<bool> DeleteData = new("--delete-data") { Description = "Also delete the uploaded objects under the prefix" };

    public static Command Create(KnnServices services)
    {
        var command = new Command("cleanup", "Delete the endpoint, endpoint config and model; a missing one is fine");
        command.Options.Add(EndpointName);
        command.Options.Add(DeleteData);
        command.SetVerbAction(services, async (parse, verb, ct) =>
        {
            var result = await new CleanupWorkflow(verb.Workflow).RunAsync(new CleanupOptions(parse.GetValue(EndpointName), parse.GetValue(DeleteData)), ct);
            verb.Results.Write(result, CliJsonContext.Default.CleanupResult, output => Print(output, result));
        });
        return command;
    }

    public static void Print(KnnConsole output, CleanupResult result)
    {
        if (result.Resources.Count == 0) output.WriteLine("Nothing to clean up.");
        foreach (var item in result.Resources) output.WriteLine($"{item.Kind} {item.Name}: {item.Outcome}");
    }
}
