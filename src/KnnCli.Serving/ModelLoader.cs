using System.Text.Json;
using KnnCli.Core.Errors;
using KnnCli.Core.IO;
using KnnCli.Engine;
using KnnCli.Engine.ModelFiles;

namespace KnnCli.Serving;

/// <summary>Loads the model `knn serve` answers with: a model.tar.gz, or an extracted artifact directory.</summary>
public static class ModelLoader
{
    /// <summary>Where SageMaker extracts the model artifact inside an inference container.</summary>
    public const string DefaultModelPath = "/opt/ml/model";

    /// <summary>The artifact's file name, as a training job writes it and as a directory may hold it.</summary>
    public const string ArchiveName = ModelFileReader.ArchiveName;

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
            return FaissEngineMapping.ToModel(await ModelFileReader.ReadContentAsync(path, cancellationToken));
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or JsonException or ArgumentException or NotSupportedException)
        {
            throw new InputException($"{path} is not a readable k-NN model: {e.Message}", e);
        }
    }
}
