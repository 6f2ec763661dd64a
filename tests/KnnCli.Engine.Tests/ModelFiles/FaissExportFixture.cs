using System.Text.Json;

namespace KnnCli.Engine.Tests.ModelFiles;

/// <summary>One run of <c>faiss_interop.py export</c>: indexes written by faiss.write_index, their parts and search results.</summary>
public sealed class FaissExportFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private Dictionary<string, JsonElement> _cases = [];

    public async Task InitializeAsync()
    {
        await PythonFaiss.RunAsync("export", _directory.Path);
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(_directory.File("manifest.json")));
        _cases = manifest.RootElement.GetProperty("cases").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.Clone());
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }

    public string WorkDirectory => _directory.Path;

    public string IndexFile(string name) => _directory.File(name + ".index");

    public JsonElement Case(string name) => _cases[name];

    public int Int(string name, string property) => Case(name).GetProperty(property).GetInt32();

    public string String(string name, string property) => Case(name).GetProperty(property).GetString()!;

    public Task<T[]> PartAsync<T>(string name, string part) where T : unmanaged => PythonFaiss.ReadRawAsync<T>(_directory.File($"{name}.{part}"));
}
