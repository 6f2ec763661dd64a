using System.Text.Json.Serialization;
using KnnCli.Core.Data;
using KnnCli.Core.Errors;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Workflow;

/// <summary>How upload stores the channels: as the CSVs, or converted to RecordIO-protobuf (the SDK's record_set()).</summary>
public enum UploadFormat { Csv, RecordIo }

public sealed record UploadOptions(string? TrainFile, string? TestFile, UploadFormat Format = UploadFormat.Csv);

public sealed record UploadResult(
    [property: JsonPropertyName("train_uri")] string TrainUri,
    [property: JsonPropertyName("test_uri")] string? TestUri);

/// <summary>
/// upload: put the prepared train/test CSVs into the store under prefix/input/, as text/csv or (--format recordio)
/// converted to RecordIO-protobuf files (.pbr, application/x-recordio-protobuf).
/// </summary>
public sealed class UploadWorkflow(WorkflowContext context)
{
    public async Task<UploadResult> RunAsync(UploadOptions options, CancellationToken cancellationToken)
    {
        var state = await context.State.LoadAsync(cancellationToken);
        var trainFile = options.TrainFile ?? state.TrainFile
            ?? throw new InputException("Nothing to upload: run `knn prepare` first or pass --train FILE.");
        var testFile = options.TestFile ?? (options.TrainFile is null ? state.TestFile : null);

        await using var target = context.CreateTarget();
        var bucket = await context.ResolveBucketAsync(target, state, cancellationToken);
        if (!context.Settings.DryRun) await target.Store.EnsureBucketAsync(bucket, cancellationToken);
        var trainUri = await PutAsync(target, await InFormatAsync(trainFile, options.Format, cancellationToken), bucket, cancellationToken);
        var testUri = testFile is null ? (StoreUri?)null : await PutAsync(target, await InFormatAsync(testFile, options.Format, cancellationToken), bucket, cancellationToken);

        await context.RecordDataAsync(bucket, trainUri, testUri, s => s, cancellationToken);
        return new UploadResult(trainUri.ToString(), testUri?.ToString());
    }

    /// <summary>The file to upload in the asked format: a CSV converted to &lt;name&gt;.pbr beside it for RecordIO.</summary>
    private async Task<string> InFormatAsync(string file, UploadFormat format, CancellationToken cancellationToken)
    {
        if (format == UploadFormat.Csv || TrainingData.IsRecordIo(file)) return file;
        if (!File.Exists(file)) throw new InputException($"{file}: no such file.");
        var converted = Path.ChangeExtension(file, TrainingData.RecordIoExtension);
        if (context.Settings.DryRun)
        {
            context.Log.Info($"Would convert {file} to RecordIO-protobuf {converted}");
            return converted;
        }
        var records = await TrainingData.ConvertCsvToRecordIoAsync(file, converted, cancellationToken);
        context.Log.Info($"Converted {file} to RecordIO-protobuf {converted} ({records:N0} records)");
        return converted;
    }

    /// <summary>Uploads one local file to prefix/input/&lt;file name&gt; (also used by train for a local --train FILE).</summary>
    internal async Task<StoreUri> PutAsync(ITarget target, string localFile, string bucket, CancellationToken cancellationToken)
    {
        if (!File.Exists(localFile) && !context.Settings.DryRun) throw new InputException($"{localFile}: no such file.");
        var destination = context.InputPrefix(bucket).Append(Path.GetFileName(localFile));
        if (context.Settings.DryRun)
        {
            context.Log.Info($"Would upload {localFile} to {destination}");
            return destination;
        }
        var size = new FileInfo(localFile).Length;
        context.Log.Info($"Uploading {localFile} to {destination} ({size:N0} bytes)");
        using var progress = context.Log.Progress($"upload {Path.GetFileName(localFile)}", size);
        await target.Store.PutFileAsync(localFile, destination, TrainingData.ContentTypeOf(localFile), progress, cancellationToken);
        return destination;
    }
}
