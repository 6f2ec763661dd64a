using System.CommandLine;
using KnnCli.Core.Workflow;
using KnnCli.Output;

namespace KnnCli.Commands;

/// <summary>knn cleanup: delete what knn recorded as live on this target (idempotent); optionally the uploaded data.</summary>
public static class CleanupCommand
{
    public const string Name = "cleanup";
    public const string Description = "Delete every endpoint, endpoint config and model knn recorded on this target; a missing one is fine";

    public static readonly Option<string?> EndpointName = new("--endpoint-name") { Description = "Endpoint to delete (default: from knn deploy)" };
    public static readonly Option<string?> ModelName = new("--model-name") { Description = "Only this model" };
    public static readonly Option<bool> All = new("--all") { Description = "Every endpoint, endpoint config and model knn tagged on this target, recorded here or not" };
    public static readonly Option<bool> DeleteData = new("--delete-data") { Description = "Also delete what knn put under the prefix (uploaded data, async requests and results); asks first" };
    public static readonly Option<bool> IncludeModels = new("--include-models") { Description = "With --delete-data: the trained model artifacts too" };

    public static Command Create(KnnServices services)
    {
        var command = new Command(Name, Description);
        command.Options.Add(EndpointName);
        command.Options.Add(ModelName);
        command.Options.Add(All);
        command.Options.Add(DeleteData);
        command.Options.Add(IncludeModels);
        command.SetVerbAction(services, async (parse, verb, ct) =>
        {
            var result = await new CleanupWorkflow(verb.Workflow).RunAsync(new CleanupOptions(parse.GetValue(EndpointName), parse.GetValue(DeleteData),
                parse.GetValue(ModelName), parse.GetValue(All), parse.GetValue(IncludeModels)), ct);
            verb.Results.Write(result, CliJsonContext.Default.CleanupResult, output => Print(output, result));
        });
        return command.WithExamples("knn cleanup", "knn cleanup --target sagemaker --all --delete-data --yes");
    }

    public static void Print(KnnConsole output, CleanupResult result)
    {
        if (result.Resources.Count == 0) output.WriteLine("Nothing to clean up.");
        foreach (var item in result.Resources) output.WriteLine($"{item.Kind} {item.Name}: {item.Outcome}");
    }
}
