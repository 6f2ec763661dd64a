using System.Text;
using System.Text.Json;
using KnnCli.Engine.Tests;

namespace KnnCli.Tests;

/// <summary>boto3's sagemaker-runtime client against a model deployed with knn deploy on the local target.</summary>
public sealed class RuntimeClientTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-boto3-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Boto3_invoke_endpoint_on_a_deployed_model_gives_the_predictions_of_knn_predict()
    {
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "prepare")).ExitCode);
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "upload")).ExitCode);
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "train", "--k", "3")).ExitCode);
        var deploy = await KnnProcess.RunAsync(_directory, "deploy", "--endpoint-name", "iris-local", "--json");
        Assert.True(deploy.ExitCode == 0, deploy.Error);
        var url = JsonDocument.Parse(deploy.Output).RootElement.GetProperty("url").GetString()!;
        try
        {
            var predict = await KnnProcess.RunAsync(_directory, "predict", "--json");
            Assert.True(predict.ExitCode == 0, predict.Error);
            var rows = JsonDocument.Parse(predict.Output).RootElement.GetProperty("rows").EnumerateArray().ToArray();
            var expected = rows.Select(r => r.GetProperty("prediction").GetDouble()).ToArray();
            var features = rows.Select(r => r.GetProperty("features").EnumerateArray().Select(f => f.GetRawText()).ToArray()).ToArray();

            var csv = string.Concat(features.Select(f => string.Join(',', f) + "\n"));
            var json = "{\"instances\":[" + string.Join(',', features.Select(f => "{\"features\":[" + string.Join(',', f) + "]}")) + "]}";
            foreach (var (contentType, body) in new[] { ("text/csv", csv), ("application/json", json) })
            {
                var answer = await Boto3Async(url, "iris-local", body, "--content-type", contentType);
                Assert.True(answer.GetProperty("ok").GetBoolean(), answer.ToString());
                Assert.Equal("AllTraffic", answer.GetProperty("variant").GetString());
                using var predictions = JsonDocument.Parse(Convert.FromHexString(answer.GetProperty("body").GetString()!));
                Assert.Equal(expected, predictions.RootElement.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("predicted_label").GetDouble()));
            }

            var unknown = await Boto3Async(url, "not-deployed", csv, "--content-type", "text/csv");
            Assert.Equal("ValidationError", unknown.GetProperty("exception").GetString());
            var refused = await Boto3Async(url, "iris-local", "1,2\n", "--content-type", "text/csv");
            Assert.Equal("ModelError", refused.GetProperty("exception").GetString());
            Assert.Equal(400, refused.GetProperty("original_status").GetInt32());
        }
        finally
        {
            Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "cleanup")).ExitCode);
        }
    }

    private async Task<JsonElement> Boto3Async(string url, string endpoint, string body, params string[] options)
    {
        var file = Path.Combine(_directory, "body.bin");
        await File.WriteAllBytesAsync(file, Encoding.UTF8.GetBytes(body));
        var output = await DebianPython.RunWithAsync("python3", DebianPython.Script("runtime_client.py"), "boto3 (python3 on PATH)", TimeSpan.FromMinutes(2), [url, endpoint, file, .. options]);
        return JsonDocument.Parse(output).RootElement.Clone();
    }
}
