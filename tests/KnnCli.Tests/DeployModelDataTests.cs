namespace KnnCli.Tests;

/// <summary>
/// `deploy --model-data` (issue 9, item 5): a given artifact, as the SDK's KNNModel(model_data=…) deploys it, from a
/// local file or the store, in a folder that trained nothing. Real executable, real knn serve.
/// </summary>
public sealed class DeployModelDataTests : IDisposable
{
    private readonly string _trained = Directory.CreateTempSubdirectory("knn-trained-").FullName;
    private readonly string _fresh = Directory.CreateTempSubdirectory("knn-fresh-").FullName;

    public void Dispose()
    {
        foreach (var directory in new[] { _trained, _fresh })
        {
            KnnProcess.RunAsync(directory, "cleanup").GetAwaiter().GetResult();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<KnnRun> KnnAsync(string directory, params string[] args)
    {
        var run = await KnnProcess.RunAsync(directory, args);
        Assert.True(run.ExitCode == 0, $"knn {string.Join(' ', args)} exited {run.ExitCode}: {run.Error}");
        return run;
    }

    [Fact]
    public async Task A_given_model_file_or_store_object_is_deployed_and_serves_predictions()
    {
        await KnnAsync(_trained, "prepare");
        await KnnAsync(_trained, "train");
        var artifact = StateJson.Target(_trained).GetProperty("model_artifact_uri").GetString()!;
        var file = Directory.GetFiles(Path.Combine(_trained, ".knn", "store"), "model.tar.gz", SearchOption.AllDirectories).Single();
        File.Copy(file, Path.Combine(_fresh, "iris-model.tar.gz"));

        // A folder with no training job: the file is uploaded to the store and served.
        var deploy = await KnnAsync(_fresh, "deploy", "--model-data", "iris-model.tar.gz", "--endpoint-name", "given-file");
        Assert.Contains("Endpoint given-file: InService", deploy.Output);
        Assert.Matches(@"Uploaded iris-model\.tar\.gz to s3://knn-local/knn/models/iris-model-\d{14}/model\.tar\.gz", deploy.Error);
        var predict = await KnnAsync(_fresh, "predict", "--endpoint-name", "given-file", "--rows", "5.1,3.5,1.4,0.2", "--json");
        Assert.Contains("\"prediction\": 0", predict.Output);

        // An object in the store, beside the last job's model: the given one is deployed.
        var fromStore = await KnnAsync(_trained, "deploy", "--model-data", artifact, "--endpoint-name", "given-uri");
        Assert.Contains("Endpoint given-uri: InService", fromStore.Output);
        Assert.Contains($"Deploying {artifact} as endpoint given-uri", fromStore.Error);
    }

    [Fact]
    public async Task A_missing_or_unreadable_model_is_refused_before_anything_is_created()
    {
        await File.WriteAllTextAsync(Path.Combine(_fresh, "rows.csv"), "1,2,3\n");
        var cases = new (string ModelData, int Exit, string Error)[]
        {
            ("no-such.tar.gz", 2, "error: --model-data no-such.tar.gz: no such file; pass a model.tar.gz or an s3:// URI."),
            ("rows.csv", 2, "error: rows.csv is not a readable model artifact: "),
            ("s3://knn-local/knn/output/none/model.tar.gz", 4, "error: --model-data s3://knn-local/knn/output/none/model.tar.gz: no such object; pass the model.tar.gz a training job wrote (knn status shows the last one)."),
        };
        foreach (var (modelData, exit, error) in cases)
        {
            var run = await KnnProcess.RunAsync(_fresh, "deploy", "--model-data", modelData);
            Assert.True(run.ExitCode == exit, $"--model-data {modelData}: exit {run.ExitCode}: {run.Error}");
            Assert.StartsWith(error, run.Error.Trim());
            Assert.False(File.Exists(StateJson.PathIn(_fresh)), $"--model-data {modelData} wrote the state");
        }
    }
}
