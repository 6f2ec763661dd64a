using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace KnnCli.Tests;

/// <summary>RecordIO-protobuf as a training format and every request/response pair of predict, through the real executable.</summary>
public sealed class WireFormatTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-wire-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Training_from_recordio_gives_the_same_model_as_from_csv()
    {
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "prepare")).ExitCode);
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "upload")).ExitCode);
        var fromCsv = await TrainAsync("knn-from-csv");

        var upload = await KnnProcess.RunAsync(_directory, "upload", "--format", "recordio", "--json");
        Assert.True(upload.ExitCode == 0, upload.Error);
        var uploaded = JsonDocument.Parse(upload.Output).RootElement;
        Assert.Equal("s3://knn-local/knn/input/iris_train.pbr", uploaded.GetProperty("train_uri").GetString());
        Assert.Equal("s3://knn-local/knn/input/iris_test.pbr", uploaded.GetProperty("test_uri").GetString());
        Assert.Contains("application/x-recordio-protobuf", File.ReadAllText(Path.Combine(_directory, ".knn", "store", "metadata", "knn-local", "knn", "input", "iris_train.pbr.json")));
        var recordIo = File.ReadAllBytes(Path.Combine(_directory, ".knn", "store", "objects", "knn-local", "knn", "input", "iris_train.pbr"));
        Assert.Equal([0x0A, 0x23, 0xD7, 0xCE], recordIo[..4]);
        var fromRecordIo = await TrainAsync("knn-from-recordio");

        Assert.Equal(fromCsv.Metrics, fromRecordIo.Metrics);
        Assert.Equal(fromCsv.Files.Keys, fromRecordIo.Files.Keys);
        foreach (var (name, bytes) in fromCsv.Files) Assert.True(bytes.SequenceEqual(fromRecordIo.Files[name]), $"{name} differs between the CSV and the RecordIO model");
    }

    [Fact]
    public async Task Every_content_type_and_accept_pair_gives_the_same_predictions()
    {
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "prepare")).ExitCode);
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "upload")).ExitCode);
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "train", "--k", "3")).ExitCode);
        var deploy = await KnnProcess.RunAsync(_directory, "deploy");
        Assert.True(deploy.ExitCode == 0, deploy.Error);
        try
        {
            string? reference = null;
            foreach (var contentType in new[] { "text/csv", "application/json", "application/jsonlines", "application/x-recordio-protobuf" })
            {
                foreach (var accept in new[] { "application/json", "application/jsonlines", "application/x-recordio-protobuf" })
                {
                    var predict = await KnnProcess.RunAsync(_directory, "predict", "--json", "--neighbors", "--batch-size", "10", "--content-type", contentType, "--accept", accept);
                    Assert.True(predict.ExitCode == 0, $"{contentType} → {accept}: {predict.Error}");
                    var rows = JsonDocument.Parse(predict.Output).RootElement.GetProperty("rows");
                    Assert.Equal(38, rows.GetArrayLength());
                    Assert.All(rows.EnumerateArray(), row => Assert.Equal(3, row.GetProperty("neighbor_distances").GetArrayLength()));
                    var text = rows.GetRawText();
                    reference ??= text;
                    Assert.True(reference == text, $"{contentType} → {accept} predicted differently from text/csv → application/json");
                }
            }
        }
        finally
        {
            Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "cleanup")).ExitCode);
        }
    }

    private async Task<(Dictionary<string, double> Metrics, Dictionary<string, byte[]> Files)> TrainAsync(string jobName)
    {
        var train = await KnnProcess.RunAsync(_directory, "train", "--k", "3", "--sample-size", "50", "--job-name", jobName, "--json");
        Assert.True(train.ExitCode == 0, train.Error);
        var result = JsonDocument.Parse(train.Output).RootElement;
        var metrics = result.GetProperty("metrics").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        Assert.NotEmpty(metrics);
        var artifact = result.GetProperty("model_artifact").GetString()!["s3://".Length..];
        var files = new Dictionary<string, byte[]>();
        await using var archive = new GZipStream(File.OpenRead(Path.Combine(_directory, ".knn", "store", "objects", artifact)), CompressionMode.Decompress);
        using var tar = new TarReader(archive);
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            using var content = new MemoryStream();
            if (entry.DataStream is not null) await entry.DataStream.CopyToAsync(content);
            files[entry.Name] = content.ToArray();
        }
        return (metrics, files);
    }
}
