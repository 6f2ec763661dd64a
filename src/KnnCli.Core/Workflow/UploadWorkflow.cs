using System.Text.Json.Serialization;
using KnnCli.Core.Errors;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Workflow;

public sealed record UploadOptions(string? TrainFile, string? TestFile);

public sealed record UploadResult(
    [property: JsonPropertyName("train_uri")] string TrainUri,
    [property: JsonPropertyName("test_uri")] string? TestUri);

/// <summary>upload: put the prepared train/test CSVs into the store as text/csv under prefix/input/.</summary>
public sealed class UploadWorkflow(WorkflowContext context)
{
    public const string CsvContentType = "text/csv";

    public async Task<UploadResult> RunAsync(UploadOptions options, CancellationToken cancellationToken)
    {
        var state = await context.State.LoadAsync(cancellationToken);
        var trainFile = options.TrainFile ?? state.TrainFile
            ?? throw new InputException("Nothing to upload: run `knn prepare` first or pass --train FILE.");
        var testFile = options.TestFile ?? (options.TrainFile is null ? state.TestFile : null);

        await using var target = context.CreateTarget();
        var bucket = await context.ResolveBucketAsync(target, state, cancellationToken);
        if (!context.Settings.DryRun) await target.Store.EnsureBucketAsync(bucket, cancellationToken);
        var trainUri = await PutAsync(target, trainFile, bucket, cancellationToken);
        var testUri = testFile is null ? (StoreUri?)null : await PutAsync(target, testFile, bucket, cancellationToken);

        await context.RecordDataAsync(bucket, trainUri, testUri, s => s, cancellationToken);
        return new UploadResult(trainUri.ToString(), testUri?.ToString());
    }

    /// <summary>Uploads one local file to prefix/input/&lt;file name&gt; (also used by train for a local --train FILE).</summary>
    internal async Task<StoreUri> PutAsync(ITarget target, string localFile, string bucket, CancellationToken cancellationToken)
    {
        if (!File.Exists(localFile)) throw new InputException($"{localFile}: no such file.");
        var destination = context.InputPrefix(bucket).Append(Path.GetFileName(localFile));
        var size = new FileInfo(localFile).Length;
        context.Log.Info($"Uploading {localFile} to {destination} ({size:N0} bytes)");
        if (context.Settings.DryRun) return destination;
        using var progress = context.Log.Progress($"upload {Path.GetFileName(localFile)}", size);
        await target.Store.PutFileAsync(localFile, destination, CsvContentType, progress, cancellationToken);
        return destination;
    }
}
