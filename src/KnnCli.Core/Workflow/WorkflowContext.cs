using KnnCli.Core.Settings;
using KnnCli.Core.State;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Workflow;

/// <summary>What every workflow service needs: resolved settings, the state file, the target, the log.</summary>
public sealed class WorkflowContext(CommonSettings settings, ITargetFactory targets, IWorkflowLog log)
{
    public CommonSettings Settings { get; } = settings;

    public IWorkflowLog Log { get; } = log;

    public StateStore State { get; } = new(settings.StateDirectory, settings.Target);

    /// <summary>Asks before SageMaker instances start (no terminal by default: only --yes proceeds).</summary>
    public CostGuard Costs { get; init; } = new(NoTerminal.Instance);

    private bool _saidSageMakerOnly;

    public ITarget CreateTarget()
    {
        // Said once per command (knn run creates several targets): the local target checks these settings and records the tags, nothing more.
        if (Settings.Target == "local" && Settings.Production.HasSageMakerOnlySettings && !_saidSageMakerOnly)
        {
            _saidSageMakerOnly = true;
            Log.Warn("The networking, encryption and spot settings (--subnets, --kms-key-id, --spot …) apply to the sagemaker target only; "
                + "the local target checked them and runs without them.");
        }
        return targets.Create(Settings, Log);
    }

    /// <summary>knn doctor's checks for this target (null when the factory has none).</summary>
    public ITargetChecks? CreateChecks() => targets.CreateChecks(Settings, Log);

    /// <summary>The bucket: configured, remembered in state, or the target's default.</summary>
    public async Task<string> ResolveBucketAsync(ITarget target, KnnState state, CancellationToken cancellationToken) =>
        Settings.Bucket ?? state.Bucket ?? await target.GetDefaultBucketAsync(cancellationToken);

    /// <summary>The bucket, created when it does not exist yet (a fresh account has no default bucket); a dry run creates nothing.</summary>
    public async Task<string> ReadyBucketAsync(ITarget target, KnnState state, CancellationToken cancellationToken)
    {
        var bucket = await ResolveBucketAsync(target, state, cancellationToken);
        if (!Settings.DryRun) await target.Store.EnsureBucketAsync(bucket, cancellationToken);
        return bucket;
    }

    /// <summary>
    /// Records where the data went (target, region, bucket, prefix, role and the channel URIs), unless this is a dry run;
    /// <paramref name="more"/> adds the verb's own fields.
    /// </summary>
    public async Task RecordDataAsync(string bucket, StoreUri train, StoreUri? test, Func<KnnState, KnnState> more, CancellationToken cancellationToken)
    {
        if (Settings.DryRun) return;
        await State.UpdateAsync(s => more(s with
        {
            Region = Settings.Region ?? s.Region,
            Bucket = bucket,
            Prefix = Settings.Prefix,
            Role = Settings.RoleArn ?? s.Role,
            TrainUri = train.ToString(),
            TestUri = test?.ToString() ?? s.TestUri,
        }), cancellationToken);
    }

    /// <summary>Where uploaded data lives: s3://bucket/prefix/input/.</summary>
    public StoreUri InputPrefix(string bucket) => new(bucket, $"{Settings.Prefix}/input");

    /// <summary>Where training writes models: s3://bucket/prefix/output.</summary>
    public StoreUri OutputPrefix(string bucket) => new(bucket, $"{Settings.Prefix}/output");

    /// <summary>A SageMaker-SDK-style unique name: base-yyyy-MM-dd-HH-mm-ss-fff.</summary>
    public static string UniqueName(string baseName) => $"{baseName}-{DateTime.UtcNow:yyyy-MM-dd-HH-mm-ss-fff}";
}
