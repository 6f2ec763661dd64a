using KnnCli.Core.Settings;
using KnnCli.Core.Targets;

namespace KnnCli.Targets.Local;

/// <summary>
/// The local target: everything under .knn/ in the working directory. The store in .knn/store, training jobs in
/// .knn/jobs, models, endpoint configs and endpoints in .knn/local.
/// </summary>
public sealed class LocalTarget : ITarget
{
    /// <summary>The bucket name used when none is configured.</summary>
    public const string DefaultBucket = "knn-local";

    private readonly LocalRuntime _runtime;

    public LocalTarget(CommonSettings settings, IWorkflowLog log, TimeProvider? clock = null)
    {
        clock ??= TimeProvider.System;
        var store = new FolderStore(Path.Combine(settings.StateDirectory, "store"));
        var hosting = new LocalHosting(store, Path.Combine(settings.StateDirectory, "local"), clock);
        _runtime = new LocalRuntime(hosting);
        if (settings.DryRun)
        {
            var dryRun = new LocalDryRun(store, hosting, log);
            (Store, Trainer, Hosting) = (dryRun, dryRun, dryRun);
            return;
        }
        Store = store;
        Trainer = new LocalTrainer(store, Path.Combine(settings.StateDirectory, "jobs"), clock);
        Hosting = hosting;
    }

    public string Name => "local";

    public IObjectStore Store { get; }

    public ITrainer Trainer { get; }

    public IHosting Hosting { get; }

    public IEndpointRuntime Runtime => _runtime;

    public Task<string> GetDefaultBucketAsync(CancellationToken cancellationToken) => Task.FromResult(DefaultBucket);

    public ValueTask DisposeAsync()
    {
        _runtime.Dispose();
        return ValueTask.CompletedTask;
    }
}
