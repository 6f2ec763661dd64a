using KnnCli.Core.Errors;
using KnnCli.Engine.ModelFiles;

namespace KnnCli.Core.IO;

/// <summary>
/// Reads a model artifact from the file system, wherever the verbs find one: a model.tar.gz file, a folder holding
/// the extracted model_algo-1 files (as SageMaker's /opt/ml/model), or a folder holding model.tar.gz. Each file
/// streams straight into the model's arrays.
/// </summary>
public static class ModelFileReader
{
    /// <summary>The artifact's file name, as a training job writes it and as a folder may hold it.</summary>
    public const string ArchiveName = "model.tar.gz";

    /// <exception cref="NotFoundException">Nothing is at the path, or the folder holds no model.</exception>
    /// <exception cref="InvalidDataException">The files are not a readable k-NN model artifact.</exception>
    public static async Task<ModelArtifactContent> ReadContentAsync(string path, CancellationToken cancellationToken)
    {
        if (File.Exists(path)) return await ReadArchiveAsync(path, cancellationToken);
        if (!Directory.Exists(path)) throw new NotFoundException($"Model not found: {path} is neither a model.tar.gz file nor a model directory.");
        if (File.Exists(Path.Combine(path, ModelArtifact.MetadataEntry))) return await ReadExtractedAsync(path, cancellationToken);
        var archive = Path.Combine(path, ArchiveName);
        if (File.Exists(archive)) return await ReadArchiveAsync(archive, cancellationToken);
        throw new NotFoundException($"Model not found: {path} holds neither {ModelArtifact.MetadataEntry} (an extracted artifact) nor {ArchiveName}.");
    }

    private static async Task<ModelArtifactContent> ReadArchiveAsync(string file, CancellationToken cancellationToken)
    {
        await using var stream = OpenRead(file);
        return await ModelArtifact.ReadContentAsync(stream, cancellationToken);
    }

    private static async Task<ModelArtifactContent> ReadExtractedAsync(string directory, CancellationToken cancellationToken)
    {
        await using var index = OpenEntry(directory, ModelArtifact.IndexEntry);
        await using var labels = OpenEntry(directory, ModelArtifact.LabelsEntry);
        await using var metadata = OpenEntry(directory, ModelArtifact.MetadataEntry);
        return await ModelArtifact.ReadFilesAsync(index, index.Length, labels, labels.Length, metadata, metadata.Length, cancellationToken);
    }

    private static FileStream OpenEntry(string directory, string name)
    {
        var file = Path.Combine(directory, name);
        return File.Exists(file) ? OpenRead(file) : throw new InvalidDataException($"The model directory has no {name}.");
    }

    /// <summary>Opens a model file for asynchronous reads with a 64 KiB buffer.</summary>
    public static FileStream OpenRead(string file) => new(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, useAsync: true);
}
