using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using KnnCli.Core.Settings;
using KnnCli.Targets.SageMaker;

namespace KnnCli.Targets.SageMaker.Tests.Fixtures;

/// <summary>
/// A real moto server on a free loopback port, for the whole test collection. It fails (never skips) when moto_server is
/// missing: CI installs it. Reusable by end-to-end tests: point AWS_ENDPOINT_URL at <see cref="Url"/> with <see cref="Environment"/>.
/// </summary>
public sealed class MotoServer : IAsyncLifetime
{
    public const string Region = "us-east-1";
    public const string AccountId = "123456789012";
    public const string AccessKeyId = "testing";
    public const string SecretAccessKey = "testing-secret-key";
    public const string RoleArn = "arn:aws:iam::123456789012:role/KnnTestRole";

    private readonly StringBuilder _output = new();
    private Process? _process;

    public Uri Url { get; private set; } = null!;

    /// <summary>The AWS_* variables a process (or SageMakerTargetOptions.Environment) needs to talk to this server.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
        ["AWS_REGION"] = Region,
        ["AWS_ENDPOINT_URL"] = Url.ToString().TrimEnd('/'),
    };

    public async Task InitializeAsync()
    {
        var port = FreePort();
        _process = Start("moto_server", $"-H 127.0.0.1 -p {port}")
            ?? Start("python3", $"-m moto.server -H 127.0.0.1 -p {port}")
            ?? throw new InvalidOperationException("moto_server is not installed (pip install 'moto[server]'); the sagemaker target tests need it.");
        Url = new Uri($"http://127.0.0.1:{port}/");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"moto_server exited with code {_process.ExitCode}: {Output}");
            try
            {
                using var response = await http.GetAsync(new Uri(Url, "moto-api/"));
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"moto_server did not answer on {Url}: {Output}");
            await Task.Delay(100);
        }
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>A knn process's variables for the sagemaker target on this server, its role, and its own <paramref name="prefix"/> in the bucket.</summary>
    public Dictionary<string, string?> KnnEnvironment(string prefix)
    {
        var environment = Environment.ToDictionary(e => e.Key, e => (string?)e.Value);
        environment["KNN_TARGET"] = "sagemaker";
        environment["KNN_ROLE"] = RoleArn;
        environment["KNN_PREFIX"] = prefix;
        return environment;
    }

    /// <summary>SageMakerTargetOptions that talk to this server, with fast waits; <paramref name="overrides"/> replace variables (null removes).</summary>
    public SageMakerTargetOptions Options(Func<HttpMessageHandler>? transport = null, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var environment = Environment.ToDictionary(e => e.Key, e => (string?)e.Value);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) environment[key] = value;
        return new SageMakerTargetOptions
        {
            Environment = name => environment.GetValueOrDefault(name),
            Timings = SageMakerTimings.Fast,
            Retry = new KnnCli.Targets.SageMaker.Http.RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(1) },
            Transport = transport ?? (() => new SocketsHttpHandler { AllowAutoRedirect = false }),
        };
    }

    public static CommonSettings Settings(bool dryRun = false, string? workingDirectory = null) => new()
    {
        Target = "sagemaker",
        RoleArn = RoleArn,
        DryRun = dryRun,
        WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
    };

    /// <summary>Queues InvokeEndpoint answers: moto hands out the next one to each distinct (endpoint, request) and repeats it for the same request.</summary>
    public async Task SeedEndpointResultsAsync(params (string Body, string ContentType)[] results)
    {
        var payload = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["account_id"] = AccountId,
            ["region"] = Region,
            ["results"] = results.Select(r => new Dictionary<string, string> { ["Body"] = r.Body, ["ContentType"] = r.ContentType }).ToArray(),
        });
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(Url, "moto-api/static/sagemaker/endpoint-results"), new StringContent(payload, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Queues InvokeEndpointAsync outcomes: for each new input location moto writes the next one as an object in a new
    /// bucket (response.json, or failure.json when it is a failure) and answers with its location.
    /// </summary>
    public async Task SeedAsyncEndpointResultsAsync(params (string Data, bool IsFailure)[] results)
    {
        var payload = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["account_id"] = AccountId,
            ["region"] = Region,
            ["results"] = results.Select(r => new Dictionary<string, object> { ["data"] = r.Data, ["is_failure"] = r.IsFailure }).ToArray(),
        });
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(Url, "moto-api/static/sagemaker/async-endpoint-results"), new StringContent(payload, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true);
        _process?.Dispose();
        return Task.CompletedTask;
    }

    private Process? Start(string fileName, string arguments)
    {
        var info = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            var process = Process.Start(info)!;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return process;
        }
        catch (Win32Exception)
        {
            return null; // Not on PATH.
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            if (_output.Length < 100_000) _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class MotoCollection : ICollectionFixture<MotoServer>
{
    public const string Name = "moto";
}
