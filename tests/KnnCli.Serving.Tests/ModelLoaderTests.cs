using System.Formats.Tar;
using System.IO.Compression;
using KnnCli.Core.Errors;
using KnnCli.Engine;
using KnnCli.Engine.ModelFiles;

namespace KnnCli.Serving.Tests;

public sealed class ModelLoaderTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("knn-serving-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Loads_a_model_tar_gz_file()
    {
        var archive = await WriteArchiveAsync(_directory.FullName);

        var model = await ModelLoader.LoadAsync(archive, CancellationToken.None);

        AssertIsTheTestModel(model);
    }

    [Fact]
    public async Task Loads_an_extracted_artifact_directory_as_in_opt_ml_model()
    {
        var extracted = Directory.CreateDirectory(Path.Combine(_directory.FullName, "model")).FullName;
        await ExtractAsync(await WriteArchiveAsync(_directory.FullName), extracted);

        var model = await ModelLoader.LoadAsync(extracted, CancellationToken.None);

        AssertIsTheTestModel(model);
    }

    [Fact]
    public async Task Loads_a_directory_that_holds_model_tar_gz()
    {
        await WriteArchiveAsync(_directory.FullName);

        var model = await ModelLoader.LoadAsync(_directory.FullName, CancellationToken.None);

        AssertIsTheTestModel(model);
    }

    [Fact]
    public async Task A_missing_path_is_not_found()
    {
        var error = await Assert.ThrowsAsync<NotFoundException>(() => ModelLoader.LoadAsync(Path.Combine(_directory.FullName, "nope"), CancellationToken.None));

        Assert.Contains("nope", error.Message);
    }

    [Fact]
    public async Task A_directory_without_a_model_is_not_found()
    {
        var error = await Assert.ThrowsAsync<NotFoundException>(() => ModelLoader.LoadAsync(_directory.FullName, CancellationToken.None));

        Assert.Contains(ModelArtifact.MetadataEntry, error.Message);
    }

    [Fact]
    public async Task A_file_that_is_not_a_model_is_an_input_error()
    {
        var file = Path.Combine(_directory.FullName, "model.tar.gz");
        await File.WriteAllTextAsync(file, "not gzip at all");

        var error = await Assert.ThrowsAsync<InputException>(() => ModelLoader.LoadAsync(file, CancellationToken.None));

        Assert.StartsWith($"{file} is not a readable k-NN model", error.Message);
    }

    [Fact]
    public async Task An_extracted_directory_missing_its_labels_is_an_input_error()
    {
        var extracted = Directory.CreateDirectory(Path.Combine(_directory.FullName, "model")).FullName;
        await ExtractAsync(await WriteArchiveAsync(_directory.FullName), extracted);
        File.Delete(Path.Combine(extracted, ModelArtifact.LabelsEntry));

        var error = await Assert.ThrowsAsync<InputException>(() => ModelLoader.LoadAsync(extracted, CancellationToken.None));

        Assert.Contains(ModelArtifact.LabelsEntry, error.Message);
    }

    private static void AssertIsTheTestModel(KnnModel model)
    {
        var predictions = new float[2];
        model.Predict([0, 0, 0, 0, 5, 5, 5, 5], predictions);
        Assert.Equal([1f, 2f], predictions);
        Assert.Equal(3, model.Metadata.K);
    }

    private static async Task<string> WriteArchiveAsync(string directory)
    {
        var file = Path.Combine(directory, ModelLoader.ArchiveName);
        await using var stream = File.Create(file);
        await ModelArtifact.WriteAsync(stream, TestModel.Create(), CancellationToken.None);
        return file;
    }

    private static async Task ExtractAsync(string archive, string directory)
    {
        await using var file = File.OpenRead(archive);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await TarFile.ExtractToDirectoryAsync(gzip, directory, overwriteFiles: false);
    }
}
