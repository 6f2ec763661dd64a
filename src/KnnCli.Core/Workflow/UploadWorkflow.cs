using System.Text.Json.Serialization;
using KnnCli.Core.Data;
using KnnCli.Core.Errors;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Workflow;

/// <summary>How upload stores the channels: as the CSVs, or converted to RecordIO-protobuf (the SDK's record_set()).</summary>
public enum UploadFormat { Csv, RecordIo }

/// <param name="Shards">Parts the train channel is split into (1: uploaded whole), for ShardedByS3Key training on that many instances.</param>
public sealed record UploadOptions(string? TrainFile, string? TestFile, UploadFormat Format = UploadFormat.Csv, int Shards = 1);

public sealed record UploadResult(
    [property: JsonPropertyName("train_uri")] string TrainUri,
    [property: JsonPropertyName("test_uri")] string? TestUri,
    [property: JsonPropertyName("train_shards")] int TrainShards = 1);

/// <summary>
/// upload: put the prepared train/test CSVs into the store under prefix/input/, as text/csv or (--format recordio)
/// converted to RecordIO-protobuf files (.pbr, application/x-recordio-protobuf); with --shards N the train channel
/// goes as N balanced parts under prefix/input/&lt;name&gt;/, the S3 prefix a ShardedByS3Key channel reads.
/// </summary>
public sealed class UploadWorkflow(WorkflowContext context)
{
    public async Task<UploadResult> RunAsync(UploadOptions options, CancellationToken cancellationToken)
    {
        var state = await context.State.LoadAsync(cancellationToken);
        var trainFile = options.TrainFile ?? state.TrainFile
            ?? throw new InputException("Nothing to upload: run `knn prepare` first or pass --train FILE.");
        var testFile = options.TestFile ?? (options.TrainFile is null ? state.TestFile : null);
        if (options.Shards < 1) throw new InputException($"--shards {options.Shards}: must be at least 1.");

        await using var target = context.CreateTarget();
        var bucket = await context.ReadyBucketAsync(target, state, cancellationToken);
        var trainUri = await PutAsync(target, trainFile, bucket, options.Shards, options.Format, cancellationToken);
        var testUri = testFile is null ? (StoreUri?)null : await PutAsync(target, await InFormatAsync(testFile, options.Format, cancellationToken), bucket, cancellationToken);

        await context.RecordDataAsync(bucket, trainUri, testUri, s => s, cancellationToken);
        return new UploadResult(trainUri.ToString(), testUri?.ToString(), options.Shards);
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
        using var progress = context.Log.Progress($"upload {Path.GetFileName(localFile)}", size, ProgressUnit.Bytes);
        await target.Store.PutFileAsync(localFile, destination, TrainingData.ContentTypeOf(localFile), progress, cancellationToken);
        return destination;
    }

    /// <summary>
    /// Uploads a local CSV as <paramref name="shards"/> balanced parts under prefix/input/&lt;file name without extension&gt;/
    /// (each part converted to RecordIO-protobuf when asked) and returns that prefix; parts of an earlier upload there are
    /// removed first, so no stale shard is trained on. The parts are written to a scratch folder first (S3 needs each
    /// object's length), streaming, and removed after.
    /// </summary>
    internal async Task<StoreUri> PutAsync(ITarget target, string localFile, string bucket, int shards, UploadFormat format, CancellationToken cancellationToken)
    {
        if (shards == 1) return await PutAsync(target, await InFormatAsync(localFile, format, cancellationToken), bucket, cancellationToken);
        if (!File.Exists(localFile)) throw new InputException($"{localFile}: no such file.");
        if (TrainingData.IsRecordIo(localFile))
            throw new InputException($"{localFile}: --shards splits a CSV; pass the CSV with --format recordio to shard and convert it.");
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
                    using var progress = context.Log.Progress($"shard {Path.GetFileName(localFile)}", input.Length, ProgressUnit.Bytes);
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
                var part = format == UploadFormat.RecordIo ? Path.ChangeExtension(paths[i], TrainingData.RecordIoExtension) : paths[i];
                if (part != paths[i]) await TrainingData.ConvertCsvToRecordIoAsync(paths[i], part, cancellationToken);
                using var progress = context.Log.Progress($"upload {Path.GetFileName(part)}", new FileInfo(part).Length, ProgressUnit.Bytes);
                await target.Store.PutFileAsync(part, destination.Append(Path.GetFileName(part)), TrainingData.ContentTypeOf(part), progress, cancellationToken);
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
