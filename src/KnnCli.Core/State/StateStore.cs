using System.Text.Json;
using KnnCli.Core.Errors;
using KnnCli.Core.IO;

namespace KnnCli.Core.State;

/// <summary>Loads and saves .knn/state.json atomically.</summary>
public sealed class StateStore(string stateDirectory)
{
    public string Path { get; } = System.IO.Path.Combine(stateDirectory, "state.json");

    public async Task<KnnState> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path)) return new KnnState();
        await using var stream = File.OpenRead(Path);
        try
        {
            return await JsonSerializer.DeserializeAsync(stream, StateJsonContext.Default.KnnState, cancellationToken) ?? new KnnState();
        }
        catch (JsonException e)
        {
            throw new InputException($"{Path}: the state file is not valid JSON ({e.Message}); fix it or delete it.", e);
        }
    }

    public Task SaveAsync(KnnState state, CancellationToken cancellationToken) =>
        AtomicFile.WriteAllBytesAsync(Path, JsonSerializer.SerializeToUtf8Bytes(state with { Updated = DateTimeOffset.UtcNow }, StateJsonContext.Default.KnnState), cancellationToken);

    /// <summary>Loads, applies <paramref name="change"/>, saves; returns the new state.</summary>
    public async Task<KnnState> UpdateAsync(Func<KnnState, KnnState> change, CancellationToken cancellationToken)
    {
        var updated = change(await LoadAsync(cancellationToken));
        await SaveAsync(updated, cancellationToken);
        return updated;
    }
}
