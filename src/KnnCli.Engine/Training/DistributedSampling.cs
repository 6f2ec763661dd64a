namespace KnnCli.Engine.Training;

/// <summary>
/// How SageMaker's k-NN shares <c>sample_size</c> among training instances: it is the total, each of N workers
/// reservoir-samples about sample_size / N of its own shard, and the model indexes the union. The docs leave the
/// remainder open; here the first sample_size mod N workers take one point more, so the shares add up exactly.
/// </summary>
public static class DistributedSampling
{
    public static int PerWorkerSampleSize(int sampleSize, int workers, int worker)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(worker);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(worker, workers);
        return sampleSize / workers + (worker < sampleSize % workers ? 1 : 0);
    }

    /// <summary>ShardedByS3Key: the objects of a channel (in key order) dealt to the workers in turn.</summary>
    public static IReadOnlyList<T> ShardFor<T>(IReadOnlyList<T> objects, int workers, int worker) =>
        [.. objects.Where((_, index) => index % workers == worker)];
}
