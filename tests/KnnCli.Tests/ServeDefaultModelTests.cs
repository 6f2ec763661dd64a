using System.Text;
using System.Text.Json;

namespace KnnCli.Tests;

/// <summary>knn serve with no --model (issue 10, item 5): the last knn train's model, else /opt/ml/model; a real server.</summary>
public sealed class ServeDefaultModelTests : IDisposable
{
    private const string ContainerModel = "/opt/ml/model";
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-serve-default-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task KnnAsync(params string[] args)
    {
        var run = await KnnProcess.RunAsync(_directory, args);
        Assert.True(run.ExitCode == 0, $"knn {string.Join(' ', args)} exited {run.ExitCode}: {run.Error}");
    }

    [Fact]
    public async Task Serve_without_model_serves_the_last_train_of_this_folder_and_says_so()
    {
        await KnnAsync("prepare");
        await KnnAsync("upload");
        await KnnAsync("train", "--job-name", "first-job");
        await KnnAsync("train", "--job-name", "last-job", "--k", "5");

        string? verbose = null;
        string? ping = null;
        var serve = await KnnProcess.RunWhileAsync(_directory, "Listening on ", async line =>
        {
            var url = line[(line.IndexOf("http", StringComparison.Ordinal))..].Trim();
            using var http = new HttpClient();
            ping = (await http.GetAsync(new Uri($"{url}/ping"))).StatusCode.ToString();
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{url}/invocations") { Content = new StringContent("5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n", Encoding.UTF8, "text/csv") };
            request.Headers.Accept.ParseAdd("application/json; verbose=true");
            using var response = await http.SendAsync(request);
            verbose = await response.Content.ReadAsStringAsync();
        }, "serve", "--port", "0");

        Assert.Contains("Serving the model of the last knn train in this folder (job last-job): s3://knn-local/knn/output/last-job/output/model.tar.gz", serve.Output);
        Assert.Equal("OK", ping);
        var predictions = JsonDocument.Parse(verbose!).RootElement.GetProperty("predictions");
        Assert.Equal(0.0, predictions[0].GetProperty("predicted_label").GetDouble());
        Assert.Equal(2.0, predictions[1].GetProperty("predicted_label").GetDouble());
        Assert.Equal(5, predictions[0].GetProperty("labels").GetArrayLength()); // k=5: the last job's model, not the first's k=1
    }

    [Fact]
    public async Task Serve_with_model_names_the_file_it_serves()
    {
        await KnnAsync("prepare");
        await KnnAsync("upload");
        await KnnAsync("train", "--job-name", "given-job");
        var model = Path.Combine(_directory, ".knn", "store", "objects", "knn-local", "knn", "output", "given-job", "output", "model.tar.gz");
        Assert.True(File.Exists(model));

        var serve = await KnnProcess.RunWhileAsync(_directory, "Listening on ", _ => Task.CompletedTask, "serve", "--model", model, "--port", "0");
        Assert.Contains($"Serving {model}", serve.Output);
    }

    [Fact]
    public async Task Serve_in_a_folder_without_train_falls_back_to_the_container_model_path()
    {
        var serve = await KnnProcess.RunWhileAsync(_directory, "Listening on ", _ => Task.CompletedTask, "serve", "--port", "0");
        if (Directory.Exists(ContainerModel) || File.Exists(ContainerModel))
        {
            Assert.Contains($"Serving {ContainerModel} (container mode)", serve.Output);
            return;
        }
        Assert.Equal(4, serve.ExitCode);
        var line = Assert.Single(serve.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: No model to serve: no knn train in this folder and nothing at {ContainerModel} (container mode); run `knn train` or pass --model model.tar.gz.", line);
        Assert.False(File.Exists(Path.Combine(_directory, ".knn", "state.json")));
    }
}
