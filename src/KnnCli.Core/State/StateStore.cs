using System.Text.Json;
using KnnCli.Core.Errors;
using KnnCli.Core.IO;

namespace KnnCli.Core.State;

/// <summary>
/// Loads and saves one target's view of .knn/state.json atomically. The file keeps the prepared files apart from
/// each target's section; saving a view rewrites only the prepared files and this target's section. A state file
/// of the first layout (one flat section, named by its "target") is read as that target's section.
/// </summary>
public sealed class StateStore(string stateDirectory, string target)
{
    private readonly string _directory = stateDirectory;

    public const string FileName = "state.json";

    public string Path { get; } = System.IO.Path.Combine(stateDirectory, FileName);

    public string Target { get; } = target;

    public async Task<KnnState> LoadAsync(CancellationToken cancellationToken)
    {
        var file = await LoadFileAsync(cancellationToken);
        var own = file.Targets?.GetValueOrDefault(Target) ?? new KnnState();
        var prepared = file.Prepared ?? new KnnState();
        return own with
        {
            Target = Target,
            TrainFile = prepared.TrainFile,
            TestFile = prepared.TestFile,
            LabelMapFile = prepared.LabelMapFile,
            FeatureColumns = prepared.FeatureColumns,
            Updated = file.Updated,
        };
    }

    /// <summary>Whether anything at all is recorded in this folder, for any target.</summary>
    public bool Exists => File.Exists(Path);

    /// <summary>The targets that have a section, for status to say where else something is recorded.</summary>
    public async Task<IReadOnlyList<string>> TargetsAsync(CancellationToken cancellationToken) =>
        [.. (await LoadFileAsync(cancellationToken)).Targets?.Keys.Order(StringComparer.Ordinal) ?? Enumerable.Empty<string>()];

    /// <summary>
    /// Loads, applies <paramref name="change"/>, saves; returns the new state. The whole read-change-write holds the state
    /// lock, so two knn processes in one folder never lose each other's changes.
    /// </summary>
    public async Task<KnnState> UpdateAsync(Func<KnnState, KnnState> change, CancellationToken cancellationToken)
    {
        using var held = await StateLock.AcquireAsync(_directory, cancellationToken);
        var updated = change(await LoadAsync(cancellationToken));
        await SaveAsync(updated, cancellationToken);
        return updated;
    }

    private async Task SaveAsync(KnnState state, CancellationToken cancellationToken)
    {
        var file = await LoadFileAsync(cancellationToken);
        var (prepared, own) = Split(state);
        var targets = new Dictionary<string, KnnState>(file.Targets ?? [], StringComparer.Ordinal) { [Target] = own };
        var updated = new StateFile { Version = StateFile.CurrentVersion, Prepared = prepared, Targets = targets, Updated = DateTimeOffset.UtcNow };
        await AtomicFile.WriteAllBytesAsync(Path, JsonSerializer.SerializeToUtf8Bytes(updated, StateJsonContext.Default.StateFile), cancellationToken);
    }

    /// <summary>A view's shared part (the prepared files) and its target's own section.</summary>
    private static (KnnState Prepared, KnnState Own) Split(KnnState view) => (
        new KnnState { TrainFile = view.TrainFile, TestFile = view.TestFile, LabelMapFile = view.LabelMapFile, FeatureColumns = view.FeatureColumns },
        view with { Target = null, TrainFile = null, TestFile = null, LabelMapFile = null, FeatureColumns = null, Updated = null });

    private async Task<StateFile> LoadFileAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path)) return new StateFile { Version = StateFile.CurrentVersion };
        var bytes = await File.ReadAllBytesAsync(Path, cancellationToken);
        try
        {
            var file = JsonSerializer.Deserialize(bytes, StateJsonContext.Default.StateFile) ?? throw new JsonException("the file holds null");
            return file.Version >= StateFile.CurrentVersion ? file : Migrate(JsonSerializer.Deserialize(bytes, StateJsonContext.Default.KnnState)!);
        }
        catch (JsonException e)
        {
            throw new InputException(
                $"{Path} is damaged ({(bytes.Length == 0 ? "empty" : "not valid JSON")}); move it aside (mv {Path} {Path}.bad) and run `knn cleanup --all` "
                + "to find and delete what knn left running, or restore it from a backup.", e);
        }
    }

    /// <summary>The first layout: one flat state whose "target" names its section; its endpoint becomes a recorded resource.</summary>
    private static StateFile Migrate(KnnState flat)
    {
        var (prepared, own) = Split(flat);
        if (flat.ModelName is { } model) own = own.WithResource(new KnnResource { Kind = ResourceKinds.Model, Name = model });
        if (flat.EndpointConfigName is { } config) own = own.WithResource(new KnnResource { Kind = ResourceKinds.EndpointConfig, Name = config, ModelName = flat.ModelName });
        if (flat.EndpointName is { } endpoint)
            own = own.WithResource(new KnnResource { Kind = ResourceKinds.Endpoint, Name = endpoint, EndpointConfigName = flat.EndpointConfigName, ModelName = flat.ModelName, Url = flat.EndpointUrl, ServerPid = flat.ServerPid });
        return new StateFile
        {
            Version = StateFile.CurrentVersion,
            Prepared = prepared,
            Targets = new(StringComparer.Ordinal) { [flat.Target ?? "local"] = own },
            Updated = flat.Updated,
        };
    }
}
