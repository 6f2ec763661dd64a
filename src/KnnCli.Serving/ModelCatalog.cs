using System.Text.Json;
using System.Text.Json.Serialization;
using KnnCli.Core.Errors;
using KnnCli.Engine;

namespace KnnCli.Serving;

/// <summary>The models one server answers with: by endpoint name (the Runtime API's route) and for POST /invocations.</summary>
public interface IModelCatalog
{
    /// <summary>The model behind an endpoint name; null when the server hosts no such endpoint.</summary>
    ValueTask<KnnModel?> FindAsync(string endpointName, CancellationToken cancellationToken);

    /// <summary>The model POST /invocations answers with; null when there is not exactly one.</summary>
    ValueTask<KnnModel?> DefaultAsync(CancellationToken cancellationToken);
}

/// <summary>
/// One model, as a SageMaker container hosts it. With a name, the Runtime route answers only that endpoint name;
/// without one, every name (so any SDK can call a plain `knn serve` whatever endpoint name it uses).
/// </summary>
public sealed class SingleModelCatalog(KnnModel model, string? endpointName = null) : IModelCatalog
{
    private readonly KnnModel _model = model.Index.Count > 0 ? model
        : throw new InputException("The model's index holds no vectors: there is nothing to predict from.");

    public ValueTask<KnnModel?> FindAsync(string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult(endpointName is null || endpointName == name ? _model : null);

    public ValueTask<KnnModel?> DefaultAsync(CancellationToken cancellationToken) => ValueTask.FromResult<KnnModel?>(_model);
}

/// <summary>What a hosting folder records for one endpoint: &lt;folder&gt;/&lt;endpoint name&gt;.json.</summary>
public sealed record HostedEndpoint([property: JsonPropertyName("model")] string Model);

[JsonSerializable(typeof(HostedEndpoint))]
internal sealed partial class ServingJsonContext : JsonSerializerContext;

/// <summary>
/// Several endpoints in one server: a folder with one &lt;endpoint name&gt;.json per endpoint, each naming its model.
/// Adding or deleting a file (atomically) adds or removes the endpoint: the folder is looked at again whenever it
/// has changed since the last look, and models are loaded once per file version.
/// </summary>
public sealed class FolderModelCatalog : IModelCatalog, IDisposable
{
    private readonly string _folder;
    private readonly TextWriter _errors;
    private readonly SemaphoreSlim _reload = new(1, 1);
    private Dictionary<string, Loaded> _endpoints = new(StringComparer.Ordinal);
    private DateTime _seen = DateTime.MinValue;

    private sealed record Loaded(DateTime FileTime, KnnModel Model);

    /// <param name="errors">Where an endpoint whose model cannot be loaded is reported (standard error when null).</param>
    public FolderModelCatalog(string folder, TextWriter? errors = null)
    {
        _folder = Path.GetFullPath(folder);
        _errors = errors ?? Console.Error;
        Directory.CreateDirectory(_folder);
    }

    /// <summary>Record an endpoint in a hosting folder, atomically (the server picks it up on its next request).</summary>
    public static Task AddAsync(string folder, string endpointName, string modelPath, CancellationToken cancellationToken) =>
        Core.IO.AtomicFile.WriteAllBytesAsync(RecordPath(folder, endpointName),
            JsonSerializer.SerializeToUtf8Bytes(new HostedEndpoint(Path.GetFullPath(modelPath)), ServingJsonContext.Default.HostedEndpoint), cancellationToken);

    /// <summary>Removes an endpoint from a hosting folder; false when it was not there.</summary>
    public static bool Remove(string folder, string endpointName)
    {
        var path = RecordPath(folder, endpointName);
        if (!File.Exists(path)) return false;
        File.Delete(path);
        return true;
    }

    /// <summary>The endpoint names a hosting folder records.</summary>
    public static IReadOnlyList<string> List(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal).ToArray()
            : [];

    public async ValueTask<KnnModel?> FindAsync(string endpointName, CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken)).TryGetValue(endpointName, out var loaded) ? loaded.Model : null;

    public async ValueTask<KnnModel?> DefaultAsync(CancellationToken cancellationToken)
    {
        var endpoints = await CurrentAsync(cancellationToken);
        return endpoints.Count == 1 ? endpoints.Values.Single().Model : null;
    }

    private async ValueTask<Dictionary<string, Loaded>> CurrentAsync(CancellationToken cancellationToken)
    {
        if (Directory.GetLastWriteTimeUtc(_folder) == _seen) return _endpoints;
        await _reload.WaitAsync(cancellationToken);
        try
        {
            var stamp = Directory.GetLastWriteTimeUtc(_folder);
            if (stamp == _seen) return _endpoints;
            var next = new Dictionary<string, Loaded>(StringComparer.Ordinal);
            foreach (var file in Directory.EnumerateFiles(_folder, "*.json"))
            {
                var name = Path.GetFileNameWithoutExtension(file);
                var fileTime = File.GetLastWriteTimeUtc(file);
                if (_endpoints.TryGetValue(name, out var known) && known.FileTime == fileTime)
                {
                    next[name] = known;
                    continue;
                }
                try
                {
                    var record = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(file, cancellationToken), ServingJsonContext.Default.HostedEndpoint)
                        ?? throw new InputException($"{file} is empty.");
                    next[name] = new Loaded(fileTime, await ModelLoader.LoadAsync(record.Model, cancellationToken));
                }
                catch (Exception e) when (e is KnnException or JsonException or IOException)
                {
                    // A record being replaced, or a model that cannot be read: that endpoint is absent until it is fixed.
                    await _errors.WriteLineAsync($"Endpoint {name}: {e.Message.ReplaceLineEndings(" ")}");
                }
            }
            _endpoints = next;
            _seen = stamp;
            return next;
        }
        finally
        {
            _reload.Release();
        }
    }

    private static string RecordPath(string folder, string endpointName) =>
        Contract.RuntimeApi.IsValidEndpointName(endpointName)
            ? Path.Combine(folder, $"{endpointName}.json")
            : throw new InputException($"'{endpointName}' is not a valid endpoint name (letters, digits and hyphens, at most 63).");

    public void Dispose() => _reload.Dispose();
}
