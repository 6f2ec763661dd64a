namespace KnnCli.Tests;

/// <summary>The composition root's seams reach the targets: in-process runs see the environment they are given.</summary>
public sealed class ServicesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-services-").FullName;

    [Fact]
    public async Task The_sagemaker_target_reads_aws_settings_from_the_given_environment()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var environment = new Dictionary<string, string> { ["AWS_CONFIG_FILE"] = Path.Combine(_directory, "none"), ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_directory, "none") };
        var services = new KnnServices { Output = output, Error = error, WorkingDirectory = _directory, Environment = name => environment.GetValueOrDefault(name), Interactive = false };

        var withoutRegion = await KnnApp.RunAsync(["status", "--target", "sagemaker"], services);

        Assert.Equal(3, withoutRegion);
        Assert.Contains("region", error.ToString(), StringComparison.OrdinalIgnoreCase);

        // Region, keys and endpoint only in the given environment: the target must use them and reach for that
        // endpoint (nothing listens on the port, so it fails there: an unreachable service, exit 3, naming the endpoint).
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        environment["AWS_REGION"] = "eu-west-1";
        environment["AWS_ACCESS_KEY_ID"] = "testing";
        environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        environment["AWS_ENDPOINT_URL"] = $"http://127.0.0.1:{port}";
        error.GetStringBuilder().Clear();

        var withEnvironment = await KnnApp.RunAsync(["status", "--target", "sagemaker"], services);

        Assert.Equal(3, withEnvironment);
        Assert.Contains($"could not reach http://127.0.0.1:{port}", error.ToString());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
