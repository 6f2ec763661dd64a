using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using KnnCli.Core.Errors;
using KnnCli.Core.Settings;
using KnnCli.Core.Targets;

namespace KnnCli.Tests;

/// <summary>
/// Every failure a user can cause is one `error: …` line on stderr with the documented exit code, never a stack
/// trace (issue 9, item 1). The cases were each seen printing `Unhandled exception` and 40–50 lines of trace.
/// </summary>
public sealed class FailureLineTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-failures-").FullName;

    /// <summary>Exactly one non-empty stderr line, starting with "error: ", with no trace in it.</summary>
    internal static string AssertOneErrorLine(string error)
    {
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("Reading ", StringComparison.Ordinal)).ToArray();
        Assert.True(lines.Length == 1, $"expected one error line, got {lines.Length}:\n{error}");
        Assert.StartsWith("error: ", lines[0]);
        Assert.DoesNotContain("Unhandled exception", error);
        Assert.DoesNotContain("   at ", error);
        Assert.DoesNotContain("Exception:", error);
        return lines[0];
    }

    [Fact]
    public async Task Prepare_on_a_file_with_one_data_row_is_one_line_exit_2_and_writes_nothing()
    {
        File.WriteAllText(Path.Combine(_directory, "one.csv"), "a,b,Species\n1,2,x\n");

        var run = await KnnProcess.RunAsync(_directory, "prepare", "--input", "one.csv");

        Assert.Equal(ExitCodes.UsageOrInput, run.ExitCode);
        var line = AssertOneErrorLine(run.Error);
        Assert.Contains("one.csv", line);
        Assert.Contains("--test-fraction", line);
        Assert.False(Directory.Exists(Path.Combine(_directory, ".knn", "data")));
        Assert.False(File.Exists(Path.Combine(_directory, ".knn", "state.json")));
    }

    [Theory]
    [InlineData("mars-north-7", null)]            // host not found
    [InlineData("us-east-1", "http://127.0.0.1:1")] // connection refused
    [InlineData("us-east-1", "http://[100::1]:9")]  // no route (the IPv6 discard prefix)
    public async Task An_unreachable_aws_service_is_one_line_and_exit_3(string region, string? endpointUrl)
    {
        var environment = new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing-secret-key",
            ["AWS_ENDPOINT_URL"] = endpointUrl,
            ["AWS_MAX_ATTEMPTS"] = "1",
        };

        var run = await KnnProcess.RunAsync(_directory, environment, "status", "--target", "sagemaker", "--region", region);

        Assert.Equal(ExitCodes.AwsConfiguration, run.ExitCode);
        var line = AssertOneErrorLine(run.Error);
        Assert.Contains("could not reach", line);
        Assert.Contains("--region", line);
        Assert.DoesNotContain("testing-secret-key", run.Error + run.Output);
    }

    [Fact]
    public async Task Predict_after_the_local_server_was_killed_is_one_line_exit_1()
    {
        var pid = await DeployAsync();
        using (var server = Process.GetProcessById(pid))
        {
            server.Kill();
            await server.WaitForExitAsync(); // gone, not still dying, when status looks
        }

        var run = await KnnProcess.RunAsync(_directory, "predict");

        Assert.Equal(ExitCodes.RemoteFailure, run.ExitCode);
        Assert.Contains("knn deploy", AssertOneErrorLine(run.Error));

        // status tells the truth about it: Failed, serving nothing, no port held and no runtime URL to point at.
        var status = (await KnnProcess.RunAsync(_directory, "status")).Output;
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(status, @"Endpoint \S+ is Failed \(up \d+ (s|min)\): it serves nothing; `knn cleanup --endpoint-name \S+` deletes it\."), status);
        Assert.DoesNotContain("holds its port", status);
        Assert.DoesNotContain("AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME", status);
    }

    [Fact]
    public async Task Predict_when_the_local_server_stops_answering_is_one_line_exit_1()
    {
        var pid = await DeployAsync();
        // The endpoint's process is alive but nothing listens on its port any more (it hung, or lost its port):
        // the record now names a live process that serves nothing (sleep) and a closed port.
        var record = Directory.GetFiles(Path.Combine(_directory, ".knn", "local", "endpoint"), "*.json").Single();
        var json = JsonNode.Parse(File.ReadAllText(record))!;
        using var idle = Process.Start("sleep", "300");
        json["ProcessId"] = idle.Id;
        json["ProcessStarted"] = new DateTimeOffset(idle.StartTime.ToUniversalTime());
        json["Url"] = $"http://127.0.0.1:{ClosedPort()}";
        File.WriteAllText(record, json.ToJsonString());
        using (var server = Process.GetProcessById(pid)) server.Kill();

        var run = await KnnProcess.RunAsync(_directory, "predict");
        idle.Kill();

        Assert.Equal(ExitCodes.RemoteFailure, run.ExitCode);
        var line = AssertOneErrorLine(run.Error);
        Assert.Contains("does not answer", line);
        Assert.Contains("knn deploy", line);
    }

    [Fact]
    public async Task Serve_on_a_port_in_use_is_one_line_exit_2()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var model = await LocalSteps.TrainedModelAsync(_directory);

        var run = await KnnProcess.RunAsync(_directory, "serve", "--model", model, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(ExitCodes.UsageOrInput, run.ExitCode);
        var line = AssertOneErrorLine(run.Error);
        Assert.Contains($"127.0.0.1:{port}", line);
        Assert.Contains("--port", line);
        Assert.True(run.Error.Length < 400, $"{run.Error.Length} characters on stderr");
    }

    [Fact]
    public async Task A_huge_bad_cell_is_quoted_as_a_short_excerpt()
    {
        var cell = new string('x', 5 << 20);
        File.WriteAllText(Path.Combine(_directory, "huge.csv"), $"a,b,Species\n1,2,s\n{cell},2,s\n3,4,t\n");

        var run = await KnnProcess.RunAsync(_directory, "prepare", "--input", "huge.csv");

        Assert.Equal(ExitCodes.UsageOrInput, run.ExitCode);
        var line = AssertOneErrorLine(run.Error);
        Assert.StartsWith("error: huge.csv:3: column 'a': 'xxxx", line);
        Assert.True(line.Length < 200, $"the error line is {line.Length:N0} characters");
    }

    [Fact]
    public async Task An_unexpected_failure_is_one_line_with_exit_70_and_the_trace_only_with_verbose()
    {
        var error = new StringWriter();
        var services = new KnnServices { Output = new StringWriter(), Error = error, WorkingDirectory = _directory, Interactive = false, TargetOverride = new BrokenTargets() };

        var exit = await KnnApp.RunAsync(["status"], services);

        Assert.Equal(ExitCodes.InternalError, exit);
        var line = AssertOneErrorLine(error.ToString());
        Assert.Contains("internal error", line);
        Assert.Contains("--verbose", line);

        error.GetStringBuilder().Clear();
        var verbose = await KnnApp.RunAsync(["status", "--verbose"], services);

        Assert.Equal(ExitCodes.InternalError, verbose);
        Assert.StartsWith("error: internal error", error.ToString());
        Assert.Contains("   at ", error.ToString());
        Assert.Contains(nameof(BrokenTargets), error.ToString());
    }

    /// <summary>prepare, upload, train and deploy on the local target; returns the server's pid.</summary>
    private async Task<int> DeployAsync()
    {
        await LocalSteps.RunAsync(_directory, ["prepare"], ["upload"], ["train"]);
        var deploy = await KnnProcess.RunAsync(_directory, "deploy", "--json");
        Assert.True(deploy.ExitCode == 0, deploy.Error);
        return System.Text.Json.JsonDocument.Parse(deploy.Output).RootElement.GetProperty("server_pid").GetInt32();
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A target factory with a bug: what a truly unexpected failure looks like to the runner.</summary>
    private sealed class BrokenTargets : ITargetFactory
    {
        public ITarget Create(CommonSettings settings, IWorkflowLog log) => throw new InvalidOperationException("a bug in " + nameof(BrokenTargets));
    }

    public void Dispose()
    {
        // Stop a server a failed test left behind, through the tool itself.
        if (Directory.Exists(Path.Combine(_directory, ".knn", "local"))) KnnProcess.RunAsync(_directory, "cleanup").GetAwaiter().GetResult();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>Steps of the local workflow through the real executable, for tests that need their results.</summary>
internal static class LocalSteps
{
    public static async Task RunAsync(string directory, params string[][] steps)
    {
        foreach (var step in steps)
        {
            var run = await KnnProcess.RunAsync(directory, [.. step, "--quiet"]);
            Assert.True(run.ExitCode == 0, $"knn {string.Join(' ', step)}: {run.Error}");
        }
    }

    /// <summary>Trains on the bundled Iris sample and pulls the model; returns the path of model.tar.gz.</summary>
    public static async Task<string> TrainedModelAsync(string directory)
    {
        await RunAsync(directory, ["prepare"], ["upload"], ["train"], ["model", "pull"]);
        return Path.Combine(directory, "model.tar.gz");
    }
}
