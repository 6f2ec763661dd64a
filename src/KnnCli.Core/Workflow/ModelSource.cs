using KnnCli.Core.Errors;
using KnnCli.Core.IO;
using KnnCli.Core.Targets;
using KnnCli.Engine;
using KnnCli.Engine.ModelFiles;

namespace KnnCli.Core.Workflow;

/// <summary>Loads the model a verb runs in process (transform, serve): a local model.tar.gz or folder, or an artifact in the target's store.</summary>
public static class ModelSource
{
    /// <summary>An unreadable artifact is an input error, not a crash; a missing one says where it was looked for.</summary>
    public static async Task<KnnModel> LoadAsync(WorkflowContext context, string source, CancellationToken cancellationToken)
    {
        try
        {
            if (!StoreUri.IsStoreUri(source))
            {
                if (!File.Exists(source) && !Directory.Exists(source)) throw new InputException($"{source}: no such model file.");
                return FaissEngineMapping.ToModel(await ModelFileReader.ReadContentAsync(source, cancellationToken));
            }
            await using var target = context.CreateTarget();
            var uri = StoreUri.Parse(source);
            if (!await target.Store.ExistsAsync(uri, cancellationToken)) throw new NotFoundException($"{source}: no such model artifact in the store.");
            await using var stream = await target.Store.OpenReadAsync(uri, cancellationToken);
            return await ModelArtifact.ReadAsync(stream, cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new InputException($"{source}: not a readable k-NN model.tar.gz ({e.Message})", e);
        }
    }

    /// <summary>
    /// A model the target's instances can load, as a store URI (deploy --model-data, transform --model on sagemaker): an
    /// s3:// one must exist; a local file must be a model, and is uploaded under the prefix's models/ folder, as the SDK
    /// uploads model_data given as a local path.
    /// </summary>
    public static async Task<StoreUri> ToStoreAsync(WorkflowContext context, ITarget target, State.KnnState state, string artifact, string option, CancellationToken cancellationToken)
    {
        if (StoreUri.IsStoreUri(artifact))
        {
            var uri = StoreUri.Parse(artifact);
            if (!context.Settings.DryRun && !await target.Store.ExistsAsync(uri, cancellationToken))
                throw new NotFoundException($"{option} {artifact}: no such object; pass the model.tar.gz a training job wrote (knn status shows the last one).");
            return uri;
        }
        var file = Path.GetFullPath(artifact, context.Settings.WorkingDirectory);
        if (!File.Exists(file)) throw new InputException($"{option} {ErrorText.Excerpt(artifact)}: no such file; pass a model.tar.gz or an s3:// URI.");
        // Refused here rather than by instances that fail to start minutes (and dollars) later.
        await using (var model = File.OpenRead(file))
            await ModelWorkflow.ReadAsync(model, artifact, cancellationToken);
        var bucket = await context.ReadyBucketAsync(target, state, cancellationToken);
        var destination = new StoreUri(bucket, $"{context.Settings.Prefix}/models/{Path.GetFileNameWithoutExtension(Path.GetFileNameWithoutExtension(file))}-{DateTime.UtcNow:yyyyMMddHHmmss}/model.tar.gz");
        if (context.Settings.DryRun)
        {
            context.Log.Info($"Would upload {artifact} to {destination}");
            return destination;
        }
        await target.Store.PutFileAsync(file, destination, "application/x-gzip", null, cancellationToken);
        context.Log.Info($"Uploaded {artifact} to {destination}");
        return destination;
    }
}
