using System.CommandLine;
using KnnCli.Core.Workflow;
using KnnCli.Output;

namespace KnnCli.Commands;

/// <summary>knn upload: the prepared CSVs into the store as text/csv, or as RecordIO-protobuf.</summary>
public static class UploadCommand
{
    public const string Name = "upload";
    public const string Description = "Upload the train and test CSVs to the store (S3, or the local folder store)";

    public static readonly Option<string?> Train = new("--train") { Description = "Train CSV (default: from knn prepare)" };
    public static readonly Option<string?> Test = new("--test") { Description = "Test CSV (default: from knn prepare)" };
    public static readonly Option<int> Shards = new("--shards") { Description = "Split the train CSV into N balanced parts, for train --instance-count N (default: 1)", DefaultValueFactory = _ => 1 };
    public static readonly Option<string> Format = new("--format")
    {
        Description = "Store the channels as csv (text/csv) or recordio (RecordIO-protobuf .pbr files, application/x-recordio-protobuf, as the SDK's record_set() writes)",
        DefaultValueFactory = _ => "csv",
    };

    public static Command Create(KnnServices services)
    {
        var command = new Command(Name, Description);
        command.Options.Add(Train);
        command.Options.Add(Test);
        command.Options.Add(Shards);
        Format.AcceptOnlyFromAmong("csv", "recordio");
        command.Options.Add(Format);
        command.SetVerbAction(services, async (parse, verb, ct) =>
        {
            var result = await new UploadWorkflow(verb.Workflow).RunAsync(new UploadOptions(parse.GetValue(Train), parse.GetValue(Test), ReadFormat(parse), parse.GetValue(Shards)), ct);
            verb.Results.Write(result, CliJsonContext.Default.UploadResult, output => Print(output, result));
        });
        return command.WithExamples("knn upload", "knn upload --format recordio --shards 2");
    }

    public static UploadFormat ReadFormat(ParseResult parse) => parse.GetValue(Format) == "recordio" ? UploadFormat.RecordIo : UploadFormat.Csv;

    public static void Print(KnnConsole output, UploadResult result)
    {
        output.WriteLine(result.TrainShards > 1 ? $"Train: {result.TrainUri} ({result.TrainShards} shards)" : $"Train: {result.TrainUri}");
        if (result.TestUri is not null) output.WriteLine($"Test:  {result.TestUri}");
    }
}
