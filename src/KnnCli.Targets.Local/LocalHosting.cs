using System.Text.Json;
using KnnCli.Core.Errors;
using KnnCli.Core.IO;
using KnnCli.Core.Targets;

namespace KnnCli.Targets.Local;

/// <summary>A local model, endpoint config or endpoint, recorded as .knn/local/&lt;kind&gt;/&lt;name&gt;.json.</summary>
internal sealed record LocalEndpoint(
    string Kind,
    string Name,
    DateTimeOffset Created,
    string? ModelFile = null,
    string? ModelName = null,
    string? EndpointConfigName = null,
    string? Url = null,
    int? ProcessId = null,
    DateTimeOffset? ProcessStarted = null,
    string? LogFile = null,
    string? AsyncOutput = null,
    string? AsyncFailureOutput = null,
    int? MaxConcurrentInvocations = null);

/// <summary>
/// Local hosting mirrors SageMaker's three resources: a model (the artifact copied aside), an endpoint config
/// naming it, and an endpoint: a `knn serve` process on 127.0.0.1 and a free port.
/// </summary>
public sealed class LocalHosting(FolderStore store, string root, TimeProvider clock) : IHosting
{
    private const string ModelKind = "model";
    private const string ConfigKind = "endpoint-config";
    private const string EndpointKind = "endpoint";
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);

    public async Task<EndpointDescription> DeployAsync(DeployRequest request, IWorkflowLog log, CancellationToken cancellationToken)
    {
        if (request.Async is { } checkedAsync && (checkedAsync.SuccessTopic ?? checkedAsync.ErrorTopic) is not null)
            throw new InputException("--success-topic and --error-topic need SNS: the local target has none; use --target sagemaker.");
        if (request.ScaleToZero)
            throw new InputException("--scale-to-zero needs Application Auto Scaling: the local endpoint is one process; use --target sagemaker.");
        var modelFile = Path.Combine(root, ModelKind, $"{request.ModelName}.tar.gz");
        await store.GetFileAsync(request.ModelArtifact, modelFile, cancellationToken);
        await SaveAsync(new LocalEndpoint(ModelKind, request.ModelName, clock.GetUtcNow(), ModelFile: modelFile), cancellationToken);
        log.Info($"Created model {request.ModelName}");
        await SaveAsync(new LocalEndpoint(ConfigKind, request.EndpointConfigName, clock.GetUtcNow(), ModelName: request.ModelName), cancellationToken);
        log.Info($"Created endpoint config {request.EndpointConfigName}");

        var logFile = Path.Combine(root, EndpointKind, $"{request.EndpointName}.log");
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        File.Delete(logFile);
        List<string> arguments = ["serve", "--model", modelFile, "--endpoint-name", request.EndpointName, "--host", "127.0.0.1", "--port", "0", "--log-file", logFile];
        if (request.Async is { } async)
        {
            arguments.AddRange(["--async-output", async.OutputPath.ToString(), "--store", store.Root]);
            if (async.FailurePath is { } failure) arguments.AddRange(["--async-failure-output", failure.ToString()]);
            if (async.MaxConcurrentInvocationsPerInstance is { } max) arguments.AddRange(["--max-concurrent-invocations", max.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        using var process = ServerProcess.Start(arguments);
        var started = new DateTimeOffset(process.StartTime.ToUniversalTime());
        log.Info($"Creating endpoint {request.EndpointName}: knn serve (pid {process.Id}), log {logFile}");
        try
        {
            string url;
            using (var wait = log.Wait($"endpoint {request.EndpointName}"))
            {
                wait.Describe("starting knn serve");
                url = await WaitForListeningAsync(process, logFile, cancellationToken);
                wait.Describe($"waiting for {url}/ping");
                await WaitForPingAsync(url, cancellationToken);
            }
            var endpoint = new LocalEndpoint(EndpointKind, request.EndpointName, clock.GetUtcNow(), ModelName: request.ModelName,
                EndpointConfigName: request.EndpointConfigName, Url: url, ProcessId: process.Id, ProcessStarted: started, LogFile: logFile,
                AsyncOutput: request.Async?.OutputPath.ToString(), AsyncFailureOutput: request.Async?.FailurePath?.ToString(),
                MaxConcurrentInvocations: request.Async?.MaxConcurrentInvocationsPerInstance);
            await SaveAsync(endpoint, CancellationToken.None);
            log.Info($"Endpoint {request.EndpointName} is InService at {url}");
            return new EndpointDescription { EndpointName = request.EndpointName, Status = "InService", Url = url, ProcessId = process.Id, Async = request.Async };
        }
        catch
        {
            await ServerProcess.StopAsync(process.Id, started, TimeSpan.FromSeconds(5));
            throw;
        }
    }

    public async Task<EndpointDescription?> DescribeEndpointAsync(string endpointName, CancellationToken cancellationToken)
    {
        var endpoint = await LoadAsync(EndpointKind, endpointName, cancellationToken);
        if (endpoint is null) return null;
        var running = endpoint.ProcessId is { } pid && endpoint.ProcessStarted is { } started && ProcessIds.IsAlive(pid, started);
        return new EndpointDescription
        {
            EndpointName = endpoint.Name,
            Status = running ? "InService" : "Failed",
            FailureReason = running ? null : $"The server process {endpoint.ProcessId} is not running (see {endpoint.LogFile}).",
            Url = endpoint.Url,
            ProcessId = endpoint.ProcessId,
            Async = endpoint.AsyncOutput is { } output
                ? new AsyncInferenceSettings
                {
                    OutputPath = StoreUri.Parse(output),
                    FailurePath = endpoint.AsyncFailureOutput is { } failure ? StoreUri.Parse(failure) : null,
                    MaxConcurrentInvocationsPerInstance = endpoint.MaxConcurrentInvocations,
                }
                : null,
        };
    }

    public async Task<IReadOnlyList<DeletedResource>> DeleteAsync(string? endpointName, string? endpointConfigName, string? modelName, IWorkflowLog log, CancellationToken cancellationToken)
    {
        var results = new List<DeletedResource>();
        if (endpointName is not null)
        {
            var endpoint = await LoadAsync(EndpointKind, endpointName, cancellationToken);
            if (endpoint?.ProcessId is { } pid && endpoint.ProcessStarted is { } started)
            {
                log.Info($"Stopping the server of endpoint {endpointName} (pid {pid})");
                await ServerProcess.StopAsync(pid, started, TimeSpan.FromSeconds(10));
            }
            if (endpoint?.LogFile is { } logFile) File.Delete(logFile);
            results.Add(Delete(EndpointKind, endpointName));
        }
        if (endpointConfigName is not null) results.Add(Delete(ConfigKind, endpointConfigName));
        if (modelName is not null)
        {
            var model = await LoadAsync(ModelKind, modelName, cancellationToken);
            if (model?.ModelFile is { } file) File.Delete(file);
            results.Add(Delete(ModelKind, modelName));
        }
        return results;
    }

    public async Task<IReadOnlyList<LiveResource>> ListLiveAsync(CancellationToken cancellationToken)
    {
        var live = new List<LiveResource>();
        foreach (var kind in new[] { EndpointKind, ConfigKind, ModelKind })
        {
            var directory = Path.Combine(root, kind);
            if (!Directory.Exists(directory)) continue;
            foreach (var file in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
            {
                var resource = await LoadAsync(kind, Path.GetFileNameWithoutExtension(file), cancellationToken);
                if (resource is null) continue;
                var status = kind == EndpointKind
                    ? (await DescribeEndpointAsync(resource.Name, cancellationToken))?.Status ?? "Failed"
                    : "Created";
                live.Add(new LiveResource(kind, resource.Name, status, resource.Created));
            }
        }
        return live;
    }

    private static async Task<string> WaitForListeningAsync(System.Diagnostics.Process process, string logFile, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartupTimeout);
        while (true)
        {
            if (File.Exists(logFile))
            {
                using var reader = new StreamReader(new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
                while (await reader.ReadLineAsync(timeout.Token) is { } line)
                {
                    var at = line.IndexOf(ServerProcess.ListeningPrefix, StringComparison.Ordinal);
                    if (at >= 0) return line[(at + ServerProcess.ListeningPrefix.Length)..].Trim();
                }
            }
            if (process.HasExited)
                throw new RemoteFailureException($"The endpoint server exited with code {process.ExitCode} before listening: {LastLines(logFile)}");
            try
            {
                await Task.Delay(100, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new RemoteFailureException($"The endpoint server did not start listening within {StartupTimeout.TotalSeconds:0} s: {LastLines(logFile)}");
            }
        }
    }

    private static async Task WaitForPingAsync(string url, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartupTimeout;
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(new Uri(url), "/ping"), cancellationToken);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline) { }
            if (DateTime.UtcNow >= deadline) throw new RemoteFailureException($"The endpoint at {url} did not answer GET /ping within {StartupTimeout.TotalSeconds:0} s.");
            await Task.Delay(100, cancellationToken);
        }
    }

    private static string LastLines(string logFile)
    {
        if (!File.Exists(logFile)) return "no log written";
        var lines = File.ReadAllLines(logFile).Where(l => l.Length > 0).TakeLast(3);
        return string.Join(" | ", lines);
    }

    private DeletedResource Delete(string kind, string name)
    {
        var path = RecordPath(kind, name);
        if (!File.Exists(path)) return new DeletedResource(kind, name, DeleteOutcome.NotFound);
        File.Delete(path);
        return new DeletedResource(kind, name, DeleteOutcome.Deleted);
    }

    private string RecordPath(string kind, string name)
    {
        if (name.Length == 0 || name.IndexOfAny([.. Path.GetInvalidFileNameChars(), '/', '\\']) >= 0 || name.StartsWith('.'))
            throw new InputException($"'{name}' is not a valid {kind} name.");
        return Path.Combine(root, kind, $"{name}.json");
    }

    private Task SaveAsync(LocalEndpoint resource, CancellationToken cancellationToken) =>
        AtomicFile.WriteAllBytesAsync(RecordPath(resource.Kind, resource.Name), JsonSerializer.SerializeToUtf8Bytes(resource, LocalJsonContext.Default.LocalEndpoint), cancellationToken);

    private async Task<LocalEndpoint?> LoadAsync(string kind, string name, CancellationToken cancellationToken)
    {
        var path = RecordPath(kind, name);
        if (!File.Exists(path)) return null;
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync(stream, LocalJsonContext.Default.LocalEndpoint, cancellationToken);
    }
}
