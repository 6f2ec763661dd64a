using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using KnnCli.Core.Errors;
using KnnCli.Core.Targets;
using KnnCli.Core.Workflow;
using KnnCli.Targets.SageMaker.Tests.Fixtures;

namespace KnnCli.Targets.SageMaker.Tests;

/// <summary>
/// Asynchronous endpoints against moto server: the AsyncInferenceConfig sent (checked against the official model),
/// InvokeEndpointAsync's headers (checked against the sagemaker-runtime model), and the result or failure object
/// that moto writes to S3, read back the way predict reads it.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class AsyncEndpointTests(MotoServer moto)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    private DeployRequest AsyncDeploy(string bucket) => new()
    {
        ModelName = $"knn-async-model-{_run}",
        EndpointConfigName = $"knn-async-config-{_run}",
        EndpointName = $"knn-async-endpoint-{_run}",
        ModelArtifact = StoreUri.Parse($"s3://{bucket}/output/model.tar.gz"),
        InstanceType = "ml.m5.large",
        InstanceCount = 2,
        Async = new AsyncInferenceSettings
        {
            OutputPath = new StoreUri(bucket, "async/out"),
            FailurePath = new StoreUri(bucket, "async/failed"),
            SuccessTopic = $"arn:aws:sns:us-east-1:{MotoServer.AccountId}:knn-ok",
            ErrorTopic = $"arn:aws:sns:us-east-1:{MotoServer.AccountId}:knn-error",
            MaxConcurrentInvocationsPerInstance = 4,
        },
    };

    [Fact]
    public async Task An_async_deploy_sends_the_whole_AsyncInferenceConfig_and_is_described_as_asynchronous()
    {
        var transport = new CheckedTransport();
        var log = new RecordingLog();
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), log, moto.Options(() => transport.Create()));
        var request = AsyncDeploy($"knn-async-{_run}");

        var deployed = await target.Hosting.DeployAsync(request, log, CancellationToken.None);

        Assert.Equal("InService", deployed.Status);
        Assert.Equal(request.Async, deployed.Async);
        Assert.Equal(request.Async, (await target.Hosting.DescribeEndpointAsync(request.EndpointName, CancellationToken.None))!.Async);
        var config = transport.LastBody("SageMaker.CreateEndpointConfig").GetProperty("AsyncInferenceConfig");
        Assert.Equal(
            """{"ClientConfig":{"MaxConcurrentInvocationsPerInstance":4},"OutputConfig":{"S3OutputPath":"s3://knn-async-RUN/async/out","S3FailurePath":"s3://knn-async-RUN/async/failed","NotificationConfig":{"SuccessTopic":"arn:aws:sns:us-east-1:123456789012:knn-ok","ErrorTopic":"arn:aws:sns:us-east-1:123456789012:knn-error"}}}""".Replace("RUN", _run, StringComparison.Ordinal),
            config.GetRawText());
        Assert.Empty(transport.Violations);

        // A real-time endpoint is not described as asynchronous.
        var realTime = request with { ModelName = $"knn-rt-model-{_run}", EndpointConfigName = $"knn-rt-config-{_run}", EndpointName = $"knn-rt-endpoint-{_run}", Async = null };
        Assert.Null((await target.Hosting.DeployAsync(realTime, log, CancellationToken.None)).Async);
        Assert.False(transport.LastBody("SageMaker.CreateEndpointConfig").TryGetProperty("AsyncInferenceConfig", out _));

        await target.Hosting.DeleteAsync(request.EndpointName, request.EndpointConfigName, request.ModelName, log, CancellationToken.None);
        await target.Hosting.DeleteAsync(realTime.EndpointName, realTime.EndpointConfigName, realTime.ModelName, log, CancellationToken.None);
        Assert.Empty(transport.Violations);
    }

    [Fact]
    public async Task A_queued_request_is_stored_sent_with_the_models_headers_and_its_result_object_read_back()
    {
        var transport = new CheckedTransport();
        var sent = new ConcurrentQueue<(string Path, Dictionary<string, string> Headers)>();
        var injector = new FaultInjector((request, _) =>
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/async-invocations", StringComparison.Ordinal)) sent.Enqueue((request.RequestUri.AbsolutePath, request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase)));
            return null;
        });
        var log = new RecordingLog();
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), log, moto.Options(() => transport.Create(inner => new FaultHandler(injector, inner))));
        var bucket = $"knn-async-in-{_run}";
        await target.Store.EnsureBucketAsync(bucket, CancellationToken.None);
        var request = AsyncDeploy(bucket);
        await target.Hosting.DeployAsync(request, log, CancellationToken.None);

        const string predictions = """{"predictions":[{"predicted_label":2.0},{"predicted_label":0.0}]}""";
        await moto.SeedAsyncEndpointResultsAsync((predictions, false));
        var queue = new QueuedInference(target, QueuedInference.InputPrefixFor(bucket, "knn", request.EndpointName));
        var answer = await queue.InvokeAsync(request.EndpointName, "6.7,3.0,5.2,2.3\n5.1,3.5,1.4,0.2\n"u8.ToArray(), "text/csv", "application/json", CancellationToken.None);

        Assert.Equal(predictions, Encoding.UTF8.GetString(answer.Body));
        // The body went to the store first, under the endpoint's input prefix, and InvokeEndpointAsync named it.
        var stored = Assert.Single(await target.Store.ListAsync(queue.InputPrefix, CancellationToken.None));
        await using (var content = await target.Store.OpenReadAsync(stored.Uri, CancellationToken.None))
            Assert.Equal("6.7,3.0,5.2,2.3\n5.1,3.5,1.4,0.2\n", await new StreamReader(content).ReadToEndAsync());
        var invoke = Assert.Single(sent);
        Assert.Equal($"/endpoints/{request.EndpointName}/async-invocations", invoke.Path);
        Assert.Equal(stored.Uri.ToString(), invoke.Headers["X-Amzn-SageMaker-InputLocation"]);
        Assert.Equal("text/csv", invoke.Headers["X-Amzn-SageMaker-Content-Type"]);
        Assert.Equal("application/json", invoke.Headers["X-Amzn-SageMaker-Accept"]);
        Assert.Contains("SignedHeaders=", invoke.Headers.GetValueOrDefault("Authorization") ?? "(unsigned)");
        AssertHeadersFitTheModel(invoke.Headers);

        await target.Hosting.DeleteAsync(request.EndpointName, request.EndpointConfigName, request.ModelName, log, CancellationToken.None);
    }

    [Fact]
    public async Task A_failure_object_ends_the_wait_with_exit_code_1_and_the_endpoints_reason()
    {
        var log = new RecordingLog();
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), log, moto.Options());
        var bucket = $"knn-async-fail-{_run}";
        await target.Store.EnsureBucketAsync(bucket, CancellationToken.None);
        var request = AsyncDeploy(bucket);
        await target.Hosting.DeployAsync(request, log, CancellationToken.None);

        await moto.SeedAsyncEndpointResultsAsync(("Received client error (400) from primary with message \"4 features expected, 3 given\"", true));
        var queue = new QueuedInference(target, QueuedInference.InputPrefixFor(bucket, "knn", request.EndpointName));
        var failure = await Assert.ThrowsAsync<RemoteFailureException>(() =>
            queue.InvokeAsync(request.EndpointName, "1,2,3\n"u8.ToArray(), "text/csv", "application/json", CancellationToken.None));

        Assert.Equal(ExitCodes.RemoteFailure, failure.ExitCode);
        Assert.Contains("4 features expected, 3 given", failure.Message);
        Assert.Contains($"Endpoint {request.EndpointName} failed inference", failure.Message);
        await target.Hosting.DeleteAsync(request.EndpointName, request.EndpointConfigName, request.ModelName, log, CancellationToken.None);
    }

    /// <summary>Every x-amzn-sagemaker-* header is a member of InvokeEndpointAsyncInput, within its length and pattern; the required ones are there.</summary>
    private static void AssertHeadersFitTheModel(Dictionary<string, string> headers)
    {
        var model = ServiceModel.Runtime;
        var members = model.Shape("InvokeEndpointAsyncInput").GetProperty("members").EnumerateObject()
            .Where(m => m.Value.TryGetProperty("location", out var l) && l.GetString() == "header")
            .ToDictionary(m => m.Value.GetProperty("locationName").GetString()!, m => m.Value.GetProperty("shape").GetString()!, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("X-Amzn-SageMaker-InputLocation", headers.Keys, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers.Where(h => h.Key.StartsWith("X-Amzn-SageMaker-", StringComparison.OrdinalIgnoreCase)))
        {
            Assert.True(members.TryGetValue(name, out var shapeName), $"{name} is not a header of InvokeEndpointAsyncInput");
            var shape = model.Shape(shapeName);
            if (shape.TryGetProperty("max", out var max)) Assert.True(value.Length <= max.GetInt32(), name);
            if (shape.TryGetProperty("pattern", out var pattern)) Assert.Matches(new Regex($"^(?:{pattern.GetString()!.Replace(@"\p{ASCII}", @"\p{IsBasicLatin}", StringComparison.Ordinal)})$"), value);
        }
    }
}
