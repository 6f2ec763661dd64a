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
}
