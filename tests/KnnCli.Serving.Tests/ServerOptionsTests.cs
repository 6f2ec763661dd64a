using System.Net;
using KnnCli.Core.Errors;
using KnnCli.Engine;
using KnnCli.Engine.Index;

namespace KnnCli.Serving.Tests;

public sealed class ServerOptionsTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Defaults_are_loopback_and_SageMakers_port_8080()
    {
        var options = ServerOptions.FromEnvironment(host: null, port: null, Environment());

        Assert.Equal(new ServerOptions { Host = "127.0.0.1", Port = 8080 }, options);
    }

    [Fact]
    public void SageMaker_bind_to_port_replaces_the_default_port()
    {
        var options = ServerOptions.FromEnvironment(host: null, port: null, Environment(("SAGEMAKER_BIND_TO_PORT", "9091")));

        Assert.Equal(9091, options.Port);
    }

    [Fact]
    public void Explicit_options_win_over_the_environment()
    {
        var options = ServerOptions.FromEnvironment("::1", 0, Environment(("SAGEMAKER_BIND_TO_PORT", "9091"), ("KNN_SERVE_HOST", "0.0.0.0")));

        Assert.Equal(new ServerOptions { Host = "::1", Port = 0 }, options);
    }

    [Fact]
    public void A_container_binds_every_interface_through_knn_serve_host()
    {
        var options = ServerOptions.FromEnvironment(host: null, port: null, Environment(("KNN_SERVE_HOST", "0.0.0.0")));

        Assert.Equal("0.0.0.0", options.Host);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("-1")]
    [InlineData("70000")]
    public void A_bad_port_variable_is_an_input_error(string value)
    {
        var error = Assert.Throws<InputException>(() => ServerOptions.FromEnvironment(null, null, Environment(("SAGEMAKER_BIND_TO_PORT", value))));

        Assert.Contains("SAGEMAKER_BIND_TO_PORT", error.Message);
    }

    [Fact]
    public async Task A_started_server_reports_its_real_port_in_the_listening_line()
    {
        await using var server = await InferenceServer.StartAsync(TestModel.Create(), new ServerOptions { Port = 0 }, CancellationToken.None);

        Assert.NotEqual(0, server.Address.Port);
        Assert.Equal($"Listening on http://127.0.0.1:{server.Address.Port}", server.ListeningMessage);
        using var client = new HttpClient();
        using var ping = await client.GetAsync(new Uri(server.Address, "/ping"));
        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
    }

    [Fact]
    public async Task A_port_in_use_is_an_input_error()
    {
        await using var first = await InferenceServer.StartAsync(TestModel.Create(), new ServerOptions { Port = 0 }, CancellationToken.None);

        var error = await Assert.ThrowsAsync<InputException>(() =>
            InferenceServer.StartAsync(TestModel.Create(), new ServerOptions { Port = first.Address.Port }, CancellationToken.None));

        Assert.Contains($"127.0.0.1:{first.Address.Port}", error.Message);
    }

    [Fact]
    public async Task A_host_name_other_than_localhost_is_an_input_error()
    {
        await Assert.ThrowsAsync<InputException>(() =>
            InferenceServer.StartAsync(TestModel.Create(), new ServerOptions { Host = "example.invalid", Port = 0 }, CancellationToken.None));
    }

    [Fact]
    public async Task A_model_without_vectors_is_refused_before_listening()
    {
        var empty = new KnnModel(new FlatIndex(TestModel.FeatureCount, IndexMetric.L2, []), [], new ModelMetadata { K = 1, PredictorType = "classifier" });

        var error = await Assert.ThrowsAsync<InputException>(() => InferenceServer.StartAsync(empty, new ServerOptions { Port = 0 }, CancellationToken.None));

        Assert.Contains("no vectors", error.Message);
    }
}
