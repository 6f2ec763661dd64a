using System.Text.Json.Serialization;
using KnnCli.Core.Data;
using KnnCli.Core.Errors;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Workflow;

/// <param name="Shards">Parts the train CSV is split into (1: uploaded whole), for ShardedByS3Key training on that many instances.</param>
public sealed record UploadOptions(string? TrainFile, string? TestFile, int Shards = 1);

public sealed record UploadResult(
    [property: JsonPropertyName("train_uri")] string TrainUri,
    [property: JsonPropertyName("test_uri")] string? TestUri,
    [property: JsonPropertyName("train_shards")] int TrainShards = 1);

/// <summary>
/// upload: put the prepared train/test CSVs into the store as text/csv under prefix/input/; with --shards N the train
/// CSV goes as N balanced parts under prefix/input/&lt;name&gt;/, the S3 prefix a ShardedByS3Key channel reads.
/// </summary>
public sealed class UploadWorkflow(WorkflowContext context)
{
    public const string CsvContentType = "text/csv";

    public async Task<UploadResult> RunAsync(UploadOptions options, CancellationToken cancellationToken)
    {
        var state = await context.State.LoadAsync(cancellationToken);
        var trainFile = options.TrainFile ?? state.TrainFile
            ?? throw new InputException("Nothing to upload: run `knn prepare` first or pass --train FILE.");
        var testFile = options.TestFile ?? (options.TrainFile is null ? state.TestFile : null);
        if (options.Shards < 1) throw new InputException($"--shards {options.Shards}: must be at least 1.");

        await using var target = context.CreateTarget();
        var bucket = await context.ResolveBucketAsync(target, state, cancellationToken);
        if (!context.Settings.DryRun) await target.Store.EnsureBucketAsync(bucket, cancellationToken);
        var trainUri = await PutAsync(target, trainFile, bucket, options.Shards, cancellationToken);
        var testUri = testFile is null ? (StoreUri?)null : await PutAsync(target, testFile, bucket, cancellationToken);

        await context.RecordDataAsync(bucket, trainUri, testUri, s => s, cancellationToken);
        return new UploadResult(trainUri.ToString(), testUri?.ToString(), options.Shards);
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

    /// <summary>
    /// Uploads a local CSV as <paramref name="shards"/> balanced parts under prefix/input/&lt;file name without extension&gt;/
    /// and returns that prefix; parts of an earlier upload there are removed first, so no stale shard is trained on.
    /// The parts are written to a scratch folder first (S3 needs each object's length), streaming, and removed after.
    /// </summary>
    internal async Task<StoreUri> PutAsync(ITarget target, string localFile, string bucket, int shards, CancellationToken cancellationToken)
    {
        if (shards == 1) return await PutAsync(target, localFile, bucket, cancellationToken);
        if (!File.Exists(localFile)) throw new InputException($"{localFile}: no such file.");
        var destination = context.InputPrefix(bucket).Append(Path.GetFileNameWithoutExtension(localFile) + "/");
        var scratch = Path.Combine(context.Settings.StateDirectory, "scratch", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            var paths = Enumerable.Range(0, shards).Select(i => Path.Combine(scratch, PartName(i))).ToArray();
            long[] rows;
            await using (var input = File.OpenRead(localFile))
            {
                var streams = paths.Select(p => new FileStream(p, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1)).ToArray();
                try
                {
                    using var progress = context.Log.Progress($"shard {Path.GetFileName(localFile)}", input.Length);
                    rows = await CsvSharder.SplitAsync(input, streams, localFile, progress, cancellationToken);
                }
                finally
                {
                    foreach (var stream in streams) await stream.DisposeAsync();
                }
            }
            if (rows[^1] == 0)
                throw new InputException($"{localFile} holds {rows.Sum()} rows, too few for {shards} shards: use --shards {Math.Max(1, rows.Sum())} or fewer.");

            context.Log.Info($"Uploading {localFile} to {destination} as {shards} shards of {rows.Min():N0}–{rows.Max():N0} rows");
            await target.Store.DeletePrefixAsync(destination, cancellationToken);
            for (var i = 0; i < shards; i++)
            {
                if (context.Settings.DryRun) break;
                using var progress = context.Log.Progress($"upload {PartName(i)}", new FileInfo(paths[i]).Length);
                await target.Store.PutFileAsync(paths[i], destination.Append(PartName(i)), CsvContentType, progress, cancellationToken);
            }
            return destination;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static string PartName(int index) => $"part-{index:D5}.csv";
}
