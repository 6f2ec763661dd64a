using System.Text.Json.Serialization;
using KnnCli.Core.Errors;
using KnnCli.Core.IO;
using KnnCli.Core.Targets;
using KnnCli.Engine;
using KnnCli.Engine.ModelFiles;

namespace KnnCli.Core.Workflow;

public sealed record ModelInspectResult(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("model")] ModelSummary Model);

public sealed record ModelSetResult(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("k")] int K,
    [property: JsonPropertyName("predictor_type")] string PredictorType);

public sealed record ModelPullResult(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("model")] ModelSummary Model);

/// <summary>
/// model inspect / set / pull: read a model.tar.gz, edit its metadata without retraining, or download the trained
/// artifact so `knn serve` can serve it locally.
/// </summary>
public sealed class ModelWorkflow(WorkflowContext context)
{
    /// <summary>Where pull puts the artifact when no path is given.</summary>
    public const string DefaultPullPath = "model.tar.gz";

    /// <summary>Reads a model.tar.gz, or a folder holding the extracted model_algo-1 files (as /opt/ml/model).</summary>
    public async Task<ModelInspectResult> InspectAsync(string path, CancellationToken cancellationToken)
    {
        var fullPath = Resolve(path);
        return new ModelInspectResult(fullPath, ModelInspector.Summarize(await ReadAsync(fullPath, cancellationToken)));
    }

    /// <summary>Rewrites the artifact's model_algo-1.json with a new k and/or predictor type; the file is replaced atomically.</summary>
    public async Task<ModelSetResult> SetAsync(string path, int? k, string? predictorType, CancellationToken cancellationToken)
    {
        if (k is null && predictorType is null) throw new InputException("Nothing to set: give --k and/or --predictor-type.");
        if (k < 1) throw new InputException($"Invalid value '{k}' for --k: must be a positive integer.");
        if (predictorType is not (null or "classifier" or "regressor"))
            throw new InputException($"Invalid value '{predictorType}' for --predictor-type: expected classifier or regressor.");
        var fullPath = Resolve(path);
        if (!File.Exists(fullPath)) throw new NotFoundException($"Model not found: {fullPath} is not a file.");

        ModelMetadata? written = null;
        async Task Rewrite(Stream destination, CancellationToken ct)
        {
            await using var source = ModelFileReader.OpenRead(fullPath);
            await ModelArtifact.RewriteMetadataAsync(source, destination, metadata => written = metadata with
            {
                K = k ?? metadata.K,
                PredictorType = predictorType ?? metadata.PredictorType,
            }, ct);
        }
        try
        {
            // A dry run rewrites into nothing: the artifact is read and checked, the file left as it is.
            if (context.Settings.DryRun) await Rewrite(Stream.Null, cancellationToken);
            else await AtomicFile.WriteAsync(fullPath, Rewrite, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            throw new InputException($"{fullPath} is not a readable model artifact: {e.Message}", e);
        }
        context.Log.Info($"{(context.Settings.DryRun ? "would set" : "Set")} k = {written!.K}, predictor_type = {written.PredictorType} in {fullPath}");
        return new ModelSetResult(fullPath, written.K, written.PredictorType);
    }

    /// <summary>
    /// Downloads the model artifact of the last training job (state's model artifact URI) and checks the local
    /// engine can serve it; when it cannot, the file stays and the error says what it holds.
    /// </summary>
    public async Task<ModelPullResult> PullAsync(string? path, CancellationToken cancellationToken)
    {
        var state = await context.State.LoadAsync(cancellationToken);
        var artifact = state.ModelArtifactUri ?? throw new InputException("No trained model: run `knn train` first.");
        var fullPath = Resolve(path ?? DefaultPullPath);
        ModelArtifactContent content;
        await using (var target = context.CreateTarget())
        {
            if (context.Settings.DryRun)
            {
                // Read and checked as for real, but nothing is saved.
                context.Log.Info($"would download {artifact} to {fullPath}");
                await using var stream = await target.Store.OpenReadAsync(StoreUri.Parse(artifact), cancellationToken);
                content = await ReadAsync(stream, artifact, cancellationToken);
            }
            else
            {
                context.Log.Info($"Downloading {artifact} to {fullPath}");
                await target.Store.GetFileAsync(StoreUri.Parse(artifact), fullPath, cancellationToken);
                content = await ReadAsync(fullPath, cancellationToken);
            }
        }
        try
        {
            FaissEngineMapping.ToModel(content);
        }
        catch (InvalidDataException e)
        {
            throw new InputException($"Downloaded {artifact} to {fullPath}, but knn cannot serve it: {e.Message}", e);
        }
        var bytes = context.Settings.DryRun ? 0 : new FileInfo(fullPath).Length;
        return new ModelPullResult(artifact, fullPath, bytes, ModelInspector.Summarize(content));
    }

    private string Resolve(string path) => Path.GetFullPath(path, context.Settings.WorkingDirectory);

    /// <summary>A model artifact's content; one that knn cannot read is an input error naming <paramref name="source"/>.</summary>
    internal static async Task<ModelArtifactContent> ReadAsync(Stream stream, string source, CancellationToken cancellationToken)
    {
        try
        {
            return await ModelArtifact.ReadContentAsync(stream, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            throw new InputException($"{source} is not a readable model artifact: {e.Message}", e);
        }
    }

    private static async Task<ModelArtifactContent> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await ModelFileReader.ReadContentAsync(path, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            throw new InputException($"{path} is not a readable model artifact: {e.Message}", e);
        }
    }
}
