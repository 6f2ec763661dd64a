using System.Text;
using KnnCli.Engine;
using KnnCli.Engine.Training;
using KnnCli.Serving;
using KnnCli.Targets.SageMaker.Tests.Fixtures;

namespace KnnCli.Targets.SageMaker.Tests;

/// <summary>The sagemaker target's own Runtime client, unchanged, pointed at a local `knn serve` by AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME.</summary>
[Collection(MotoCollection.Name)]
public sealed class LocalEndpointRuntimeTests(MotoServer moto)
{
    [Fact]
    public async Task The_sagemaker_runtime_client_invokes_a_local_endpoint_and_reads_its_errors()
    {
        // Three points on a line, k = 1: [0] → 0, [10] → 1.
        var model = KnnModelBuilder.Build([0f, 1f, 10f], [0f, 0f, 1f], 1, new KnnHyperparameters { K = 1, SampleSize = 3, PredictorType = PredictorType.Classifier });
        await using var server = await InferenceServer.StartAsync(new SingleModelCatalog(model, "knn-local"), new ServerOptions { Port = 0 }, CancellationToken.None);
        var log = new RecordingLog();
        await using var target = SageMakerTarget.Create(MotoServer.Settings(), log,
            moto.Options(overrides: new Dictionary<string, string?> { ["AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME"] = server.Address.ToString() }));

        var answer = await target.Runtime.InvokeAsync("knn-local", Encoding.UTF8.GetBytes("0\n10\n"), "text/csv", "application/json", CancellationToken.None);
        Assert.Equal("""{"predictions":[{"predicted_label":0.0},{"predicted_label":1.0}]}""", Encoding.UTF8.GetString(answer.Body));
        Assert.Equal("application/json", answer.ContentType);

        var unknown = await Assert.ThrowsAnyAsync<Exception>(() => target.Runtime.InvokeAsync("other", Encoding.UTF8.GetBytes("0\n"), "text/csv", "application/json", CancellationToken.None));
        Assert.Contains("Endpoint other of account 000000000000 not found.", unknown.Message);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => target.Runtime.InvokeAsync("knn-local", Encoding.UTF8.GetBytes("0,1\n"), "text/csv", "application/json", CancellationToken.None));
        Assert.Contains("CSV row 1 has 2 features; the model expects 1.", refused.Message);
    }
}
