using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using KnnCli.Engine.ModelFiles;
using KnnCli.Engine.Tests;

namespace KnnCli.Serving.Tests;

/// <summary>
/// One server hosting two endpoints from a hosting folder: "knn-a" (<see cref="TestModel"/>) and "knn-b" (the same
/// vectors, every label 7), called through the Runtime API by clients no one here wrote.
/// </summary>
public sealed class RuntimeServerFixture : IAsyncLifetime
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("knn-runtime-").FullName;

    public InferenceServer Server { get; private set; } = null!;

    public string Url => Server.Address.ToString().TrimEnd('/');

    public async Task InitializeAsync()
    {
        await AddAsync("knn-a", TestModel.Create());
        await AddAsync("knn-b", TestModel.Create([7, 7, 7, 7, 7]));
        Server = await InferenceServer.StartAsync(new FolderModelCatalog(Path.Combine(Folder, "endpoints")), new ServerOptions { Port = 0 }, CancellationToken.None);
    }

    public async Task AddAsync(string endpointName, Engine.KnnModel model)
    {
        var file = Path.Combine(Folder, $"{endpointName}.tar.gz");
        await using (var stream = File.Create(file)) await ModelArtifact.WriteAsync(stream, model, CancellationToken.None);
        await FolderModelCatalog.AddAsync(Path.Combine(Folder, "endpoints"), endpointName, file, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}

public sealed class RuntimeApiTests(RuntimeServerFixture fixture) : IClassFixture<RuntimeServerFixture>
{
    private static readonly string Client = DebianPython.Script("runtime_client.py");

    [Theory]
    [InlineData("text/csv", TestModel.CsvBody)]
    [InlineData("application/json", TestModel.JsonBody)]
    [InlineData("application/jsonlines", TestModel.JsonLinesBody)]
    public async Task Boto3_invoke_endpoint_gets_the_models_predictions_and_the_services_headers(string contentType, string body)
    {
        var answer = await Boto3Async("knn-a", Encoding.UTF8.GetBytes(body), "--content-type", contentType, "--accept", "application/json", "--custom-attributes", "trace=abc-123");

        Assert.True(answer.GetProperty("ok").GetBoolean(), answer.ToString());
        Assert.Equal(TestModel.JsonResponse, Encoding.UTF8.GetString(Convert.FromHexString(answer.GetProperty("body").GetString()!)));
        Assert.Equal("application/json", answer.GetProperty("content_type").GetString());
        Assert.Equal("AllTraffic", answer.GetProperty("variant").GetString());
        Assert.Equal("trace=abc-123", answer.GetProperty("custom_attributes").GetString());
    }

    [Fact]
    public async Task An_unsigned_request_and_a_recordio_one_are_answered_too()
    {
        var answer = await Boto3Async("knn-a", TestModel.RecordIoBody(), "--unsigned", "--content-type", "application/x-recordio-protobuf", "--accept", "application/x-recordio-protobuf; verbose=true");

        Assert.True(answer.GetProperty("ok").GetBoolean(), answer.ToString());
        Assert.Equal(Convert.ToHexString(TestModel.RecordIoResponse(verbose: true)), answer.GetProperty("body").GetString(), ignoreCase: true);
    }

    [Fact]
    public async Task Each_endpoint_answers_with_its_own_model_and_a_removed_one_is_gone_while_the_other_serves()
    {
        await fixture.AddAsync("knn-c", TestModel.Create([3, 3, 3, 3, 3]));
        var c = await Boto3Async("knn-c", Encoding.UTF8.GetBytes(TestModel.CsvBody), "--content-type", "text/csv");
        var b = await Boto3Async("knn-b", Encoding.UTF8.GetBytes(TestModel.CsvBody), "--content-type", "text/csv");
        Assert.Equal("""{"predictions":[{"predicted_label":3.0},{"predicted_label":3.0}]}""", Encoding.UTF8.GetString(Convert.FromHexString(c.GetProperty("body").GetString()!)));
        Assert.Equal("""{"predictions":[{"predicted_label":7.0},{"predicted_label":7.0}]}""", Encoding.UTF8.GetString(Convert.FromHexString(b.GetProperty("body").GetString()!)));

        Assert.True(FolderModelCatalog.Remove(Path.Combine(fixture.Folder, "endpoints"), "knn-c"));
        var gone = await Boto3Async("knn-c", Encoding.UTF8.GetBytes(TestModel.CsvBody), "--content-type", "text/csv");
        Assert.Equal("ValidationError", gone.GetProperty("code").GetString());
        Assert.True((await Boto3Async("knn-a", Encoding.UTF8.GetBytes(TestModel.CsvBody), "--content-type", "text/csv")).GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task An_unknown_endpoint_raises_botocores_ValidationError_as_SageMaker_answers_it()
    {
        var answer = await Boto3Async("no-such-endpoint", Encoding.UTF8.GetBytes(TestModel.CsvBody), "--content-type", "text/csv");

        Assert.False(answer.GetProperty("ok").GetBoolean());
        Assert.Equal("ValidationError", answer.GetProperty("exception").GetString());
        Assert.Equal("ValidationError", answer.GetProperty("code").GetString());
        Assert.Equal(400, answer.GetProperty("status").GetInt32());
        Assert.Equal("Endpoint no-such-endpoint of account 000000000000 not found.", answer.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("text/csv", "0,0,0\n", 400, "CSV row 1 has 3 features; the model expects 4.")]
    [InlineData("text/csv", "0,0,x,0\n", 400, "CSV row 1, column 3: 'x' is not a number.")]
    [InlineData(null, "0,0,0,0\n", 415, "A Content-Type is required")]
    [InlineData("text/plain", "0,0,0,0\n", 415, "Content-Type 'text/plain' is not supported")]
    public async Task A_request_the_model_refuses_raises_botocores_ModelError_with_the_models_status_and_message(string? contentType, string body, int modelStatus, string modelMessage)
    {
        string[] options = contentType is null ? [] : ["--content-type", contentType];
        var answer = await Boto3Async("knn-a", Encoding.UTF8.GetBytes(body), options);

        Assert.False(answer.GetProperty("ok").GetBoolean());
        Assert.Equal("ModelError", answer.GetProperty("exception").GetString());
        Assert.Equal(424, answer.GetProperty("status").GetInt32());
        Assert.Equal(modelStatus, answer.GetProperty("original_status").GetInt32());
        Assert.StartsWith(modelMessage, answer.GetProperty("original_message").GetString());
        Assert.StartsWith($"Received client error ({modelStatus}) from primary with message \"{modelMessage}", answer.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("/endpoints/bad_name!/invocations", "failed to satisfy constraint: Member must satisfy regular expression pattern")]
    [InlineData("/endpoints/knn-a/async-invocations", "is not an asynchronous endpoint")]
    public async Task Requests_the_service_itself_refuses_are_ValidationErrors_in_its_error_shape(string path, string message)
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.Address };
        using var response = await http.PostAsync(path, new StringContent(TestModel.CsvBody, Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ValidationError", response.Headers.GetValues("X-Amzn-ErrorType").Single());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(message, body.RootElement.GetProperty("Message").GetString());
    }

    [Fact]
    public async Task The_aws_cli_invokes_the_local_endpoint_and_reports_an_unknown_one()
    {
        var work = Directory.CreateTempSubdirectory("knn-awscli-").FullName;
        try
        {
            var input = Path.Combine(work, "rows.csv");
            await File.WriteAllTextAsync(input, TestModel.CsvBody);
            var output = Path.Combine(work, "out.json");
            var ok = await AwsCliAsync(work, "sagemaker-runtime", "invoke-endpoint", "--endpoint-name", "knn-a", "--content-type", "text/csv", "--body", $"fileb://{input}", output);
            Assert.True(ok.ExitCode == 0, ok.Error);
            Assert.Equal(TestModel.JsonResponse, await File.ReadAllTextAsync(output));
            Assert.Contains("\"InvokedProductionVariant\": \"AllTraffic\"", ok.Output);

            var missing = await AwsCliAsync(work, "sagemaker-runtime", "invoke-endpoint", "--endpoint-name", "nope", "--content-type", "text/csv", "--body", $"fileb://{input}", output);
            Assert.NotEqual(0, missing.ExitCode);
            Assert.Contains("An error occurred (ValidationError) when calling the InvokeEndpoint operation: Endpoint nope of account 000000000000 not found.", missing.Error);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private async Task<JsonElement> Boto3Async(string endpoint, byte[] body, params string[] options)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, body);
            var output = await DebianPython.RunWithAsync("python3", Client, "boto3 (python3 on PATH)", TimeSpan.FromMinutes(2), [fixture.Url, endpoint, file, .. options]);
            return JsonDocument.Parse(output).RootElement.Clone();
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Debian's AWS CLI (awscli in .ci/apt-packages.txt), pointed at the local server with made-up credentials.</summary>
    private async Task<(int ExitCode, string Output, string Error)> AwsCliAsync(string directory, params string[] arguments)
    {
        const string Cli = "/usr/bin/aws";
        Assert.True(File.Exists(Cli), $"{Cli} is missing: apt-get install awscli (.ci/apt-packages.txt).");
        var start = new ProcessStartInfo(Cli) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.ArgumentList.Add("--endpoint-url");
        start.ArgumentList.Add(fixture.Url);
        start.Environment["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        start.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
        start.Environment["AWS_CONFIG_FILE"] = Path.Combine(directory, "no-config");
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(directory, "no-credentials");
        start.Environment["AWS_PAGER"] = "";
        using var process = Process.Start(start)!;
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
