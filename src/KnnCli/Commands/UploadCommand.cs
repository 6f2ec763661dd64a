using System.CommandLine;
using KnnCli.Core.Workflow;
using KnnCli.Output;

namespace KnnCli.Commands;

/// <summary>knn upload: the prepared CSVs into the store as text/csv.</summary>
public static class UploadCommand
{
    public static readonly Option<string?> Train = new("--train") { Description = "Train CSV (default: from knn prepare)" };
    public static readonly Option<string?> Test = new("--test") { Description = "Test CSV (default: from knn prepare)" };
    public static readonly Option<int> Shards = new("--shards") { Description = "Split the train CSV into N balanced parts, for train --instance-count N (default: 1)", DefaultValueFactory = _ => 1 };

    public static Command Create(KnnServices services)
    {
        var command = new Command("upload", "Upload the train and test CSVs to the store (S3, or the local folder store)");
        command.Options.Add(Train);
        command.Options.Add(Test);
        command.Options.Add(Shards);
        command.SetVerbAction(services, async (parse, verb, ct) =>
        {
            var result = await new UploadWorkflow(verb.Workflow).RunAsync(new UploadOptions(parse.GetValue(Train), parse.GetValue(Test), parse.GetValue(Shards)), ct);
            verb.Results.Write(result, CliJsonContext.Default.UploadResult, output => Print(output, result));
        });
        return command;
    }

    public static void Print(TextWriter output, UploadResult result)
    {
        output.WriteLine(result.TrainShards > 1 ? $"Train: {result.TrainUri} ({result.TrainShards} shards)" : $"Train: {result.TrainUri}");
        if (result.TestUri is not null) output.WriteLine($"Test:  {result.TestUri}");
    }
}
