using System.Text.Json;
using KnnCli.Core.Errors;
using KnnCli.Engine;
using KnnCli.Engine.ModelFiles;

namespace KnnCli.Serving;

/// <summary>Loads the model `knn serve` answers with: a model.tar.gz, or an extracted artifact directory.</summary>
public static class ModelLoader
{
    /// <summary>Where SageMaker extracts the model artifact inside an inference container.</summary>
    public const string DefaultModelPath = "/opt/ml/model";

    /// <summary>The artifact's file name, as a training job writes it and as a directory may hold it.</summary>
    public const string ArchiveName = "model.tar.gz";

    /// <summary>
    /// Loads <paramref name="path"/>: a model.tar.gz file, or a directory holding the extracted model_algo-1,
    /// model_algo-1.labels and model_algo-1.json (as /opt/ml/model), or failing those a model.tar.gz.
    /// </summary>
    /// <exception cref="NotFoundException">Nothing exists at the path, or the directory holds no model.</exception>
    /// <exception cref="InputException">The files are not a readable k-NN model.</exception>
    public static async Task<KnnModel> LoadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            if (File.Exists(path)) return await ReadArchiveAsync(path, cancellationToken);
            if (!Directory.Exists(path)) throw new NotFoundException($"Model not found: {path} is neither a model.tar.gz file nor a model directory.");

            var extracted = Path.Combine(path, ModelArtifact.MetadataEntry);
            if (File.Exists(extracted)) return await ReadExtractedAsync(path, cancellationToken);
            var archive = Path.Combine(path, ArchiveName);
            if (File.Exists(archive)) return await ReadArchiveAsync(archive, cancellationToken);
            throw new NotFoundException($"Model not found: {path} holds neither {ModelArtifact.MetadataEntry} (an extracted artifact) nor {ArchiveName}.");
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or JsonException or ArgumentException or NotSupportedException)
        {
            throw new InputException($"{path} is not a readable k-NN model: {e.Message}", e);
        }
    }

    private static async Task<KnnModel> ReadArchiveAsync(string file, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, useAsync: true);
        return await ModelArtifact.ReadAsync(stream, cancellationToken);
    }

    /// <summary>Streams the three files of an extracted artifact straight into the model's arrays.</summary>
    private static async Task<KnnModel> ReadExtractedAsync(string directory, CancellationToken cancellationToken)
    {
        await using var index = OpenEntry(directory, ModelArtifact.IndexEntry);
        await using var labels = OpenEntry(directory, ModelArtifact.LabelsEntry);
        await using var metadata = OpenEntry(directory, ModelArtifact.MetadataEntry);
        var content = await ModelArtifact.ReadFilesAsync(index, index.Length, labels, labels.Length, metadata, metadata.Length, cancellationToken);
        return FaissEngineMapping.ToModel(content);
    }

    private static FileStream OpenEntry(string directory, string name)
    {
        var file = Path.Combine(directory, name);
        return File.Exists(file)
            ? new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, useAsync: true)
            : throw new InvalidDataException($"The model directory has no {name}.");
    }
}
