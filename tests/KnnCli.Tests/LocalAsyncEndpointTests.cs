using System.Text;
using System.Text.Json;
using KnnCli.Core.Targets;
using KnnCli.Engine.Tests;
using KnnCli.Targets.Local;

namespace KnnCli.Tests;

/// <summary>
/// knn deploy --async on the local target: the real knn executable, its background `knn serve` (real Kestrel) with
/// the InvokeEndpointAsync route and queue, and the folder store holding inputs, results and failures.
/// </summary>
public sealed class LocalAsyncEndpointTests : IDisposable
{
    private const string Endpoint = "iris-async";

    private readonly string _directory = Directory.CreateTempSubdirectory("knn-async-local-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Deploy_async_then_predict_and_boto3_queue_through_the_folder_store_and_cleanup_stops_the_server()
    {
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "prepare")).ExitCode);
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "upload")).ExitCode);
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "train", "--k", "3")).ExitCode);
        var deploy = await KnnProcess.RunAsync(_directory, "deploy", "--async", "--endpoint-name", Endpoint, "--max-concurrent-invocations", "2", "--json");
        Assert.True(deploy.ExitCode == 0, deploy.Error);
        var deployed = JsonDocument.Parse(deploy.Output).RootElement;
        var url = deployed.GetProperty("url").GetString()!;
        var serverPid = deployed.GetProperty("server_pid").GetInt32();
        var output = StoreUri.Parse(deployed.GetProperty("async_output").GetString()!);
        var failures = StoreUri.Parse(deployed.GetProperty("async_failure_output").GetString()!);
        var store = new FolderStore(Path.Combine(_directory, ".knn", "store"));
        try
        {
            // predict takes the QueuedInference path: 38 test rows in batches of 10 are 4 stored inputs and 4 results.
            var predict = await KnnProcess.RunAsync(_directory, "predict", "--json", "--batch-size", "10", "--parallel", "3");
            Assert.True(predict.ExitCode == 0, predict.Error);
            var predicted = JsonDocument.Parse(predict.Output).RootElement;
            var rows = predicted.GetProperty("rows").EnumerateArray().ToArray();
            Assert.Equal(38, rows.Length);
            Assert.InRange(predicted.GetProperty("accuracy").GetDouble(), 0.9, 1.0);
            var results = await store.ListAsync(output, CancellationToken.None);
            Assert.Equal(4, results.Count);
            Assert.All(results, r => Assert.EndsWith(".out", r.Uri.Key));
            Assert.Equal("application/json", await store.GetContentTypeAsync(results[0].Uri, CancellationToken.None));
            Assert.Empty(await store.ListAsync(failures, CancellationToken.None));

            // boto3's invoke_endpoint_async: 202, the locations under the endpoint's paths, and the same predictions.
            var features = rows.Select(r => string.Join(',', r.GetProperty("features").EnumerateArray().Select(f => f.GetRawText()))).ToArray();
            var input = new StoreUri(output.Bucket, "boto3-inputs/rows.csv");
            await PutAsync(store, input, string.Concat(features.Select(f => f + "\n")));
            var queued = await Boto3Async(url, input, "--content-type", "text/csv", "--accept", "application/jsonlines", "--inference-id", "boto3-rows");
            Assert.True(queued.GetProperty("ok").GetBoolean(), queued.ToString());
            Assert.Equal(202, queued.GetProperty("status").GetInt32());
            Assert.Equal("boto3-rows", queued.GetProperty("inference_id").GetString());
            Assert.Equal(output.Append("boto3-rows.out").ToString(), queued.GetProperty("output_location").GetString());
            Assert.Equal(failures.Append("boto3-rows-error.out").ToString(), queued.GetProperty("failure_location").GetString());
            var lines = (await WaitForObjectAsync(store, output.Append("boto3-rows.out"))).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(rows.Select(r => r.GetProperty("prediction").GetDouble()), lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("predicted_label").GetDouble()));
            Assert.Equal("application/jsonlines", await store.GetContentTypeAsync(output.Append("boto3-rows.out"), CancellationToken.None));

            // A request the model refuses (2 features, the model has 4) writes a failure object and no result.
            var bad = new StoreUri(output.Bucket, "boto3-inputs/bad.csv");
            await PutAsync(store, bad, "1,2\n");
            var refused = await Boto3Async(url, bad, "--content-type", "text/csv");
            Assert.True(refused.GetProperty("ok").GetBoolean(), refused.ToString());
            var id = refused.GetProperty("inference_id").GetString()!;
            Assert.Contains("400", await WaitForObjectAsync(store, failures.Append($"{id}-error.out")));
            Assert.False(await store.ExistsAsync(output.Append($"{id}.out"), CancellationToken.None));

            // A missing input is the endpoint's failure too; a missing InputLocation and the real-time call are refused.
            var missing = await Boto3Async(url, new StoreUri(output.Bucket, "boto3-inputs/absent.csv"), "--content-type", "text/csv");
            Assert.Contains("no such object", await WaitForObjectAsync(store, StoreUri.Parse(missing.GetProperty("failure_location").GetString()!)));
            var realTime = await DebianPython.RunWithAsync("python3", DebianPython.Script("runtime_client.py"), "boto3 (python3 on PATH)", TimeSpan.FromMinutes(2),
                [url, Endpoint, Path.Combine(_directory, ".knn", "store", "objects", bad.Bucket, bad.Key), "--content-type", "text/csv"]);
            Assert.Equal("ValidationError", JsonDocument.Parse(realTime).RootElement.GetProperty("code").GetString());
        }
        finally
        {
            var cleanup = await KnnProcess.RunAsync(_directory, "cleanup");
            Assert.True(cleanup.ExitCode == 0, cleanup.Error);
        }
        Assert.False(KnnProcess.IsAlive(serverPid));
        Assert.Contains("Nothing live.", (await KnnProcess.RunAsync(_directory, "status")).Output);
    }

    private static async Task PutAsync(FolderStore store, StoreUri uri, string body)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(body));
        await store.PutStreamAsync(content, uri, "text/csv", CancellationToken.None);
    }

    /// <summary>The object's text once the endpoint's worker has written it (the queue answers before it works).</summary>
    private static async Task<string> WaitForObjectAsync(FolderStore store, StoreUri uri)
    {
        for (var attempt = 0; attempt < 600 && !await store.ExistsAsync(uri, CancellationToken.None); attempt++) await Task.Delay(50);
        await using var stream = await store.OpenReadAsync(uri, CancellationToken.None);
        return await new StreamReader(stream).ReadToEndAsync();
    }

    private static async Task<JsonElement> Boto3Async(string url, StoreUri input, params string[] options)
    {
        var output = await DebianPython.RunWithAsync("python3", DebianPython.Script("runtime_async_client.py"), "boto3 (python3 on PATH)", TimeSpan.FromMinutes(2), [url, Endpoint, input.ToString(), .. options]);
        return JsonDocument.Parse(output).RootElement.Clone();
    }
}
