using KnnCli.Core.Errors;
using KnnCli.Core.Targets;

namespace KnnCli.Core.Workflow;

/// <summary>
/// The train channel as SageMaker reads it: every object under an S3 prefix. With several instances the channel is
/// ShardedByS3Key, so it must hold at least one object per instance, or an instance would train on nothing.
/// </summary>
internal static class TrainChannel
{
    /// <summary>The channel's first object (where feature_dim is read); refuses a channel with fewer objects than instances.</summary>
    public static async Task<StoreUri> CheckAsync(ITarget target, StoreUri channel, int instanceCount, CancellationToken cancellationToken)
    {
        var objects = await target.Store.ListAsync(channel, cancellationToken);
        if (objects.Count == 0) throw new NotFoundException($"{channel}: the train channel holds no objects; run `knn upload` first.");
        if (objects.Count < instanceCount)
            throw new InputException($"--instance-count {instanceCount} needs the train channel in at least {instanceCount} shards, but {channel} holds {objects.Count} object(s): run `knn upload --shards {instanceCount}` (or train --train FILE, which shards it).");
        return objects[0].Uri;
    }
}
