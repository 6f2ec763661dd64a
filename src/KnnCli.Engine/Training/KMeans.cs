using KnnCli.Engine.Index;
using KnnCli.Engine.Random;

namespace KnnCli.Engine.Training;

/// <summary>
/// Seeded k-means as faiss's Clustering runs it: at most <see cref="MaxPointsPerCentroid"/> × k training points
/// (a random subsample beyond that), centroids initialised from random distinct points, a fixed number of Lloyd
/// iterations, and empty clusters re-seeded by splitting a large one.
/// </summary>
internal static class KMeans
{
    public const int MaxPointsPerCentroid = 256;
    public const int Iterations = 20;

    /// <summary>faiss's ProductQuantizer trains its sub-quantizers with 25 iterations (ClusteringParameters' default), not 20.</summary>
    public const int ProductQuantizerIterations = 25;
    private const float SplitEpsilon = 1f / 1024;

    /// <summary>Returns k centroids (row-major, k × d) for the <c>points.Length / d</c> points.</summary>
    public static float[] Train(ReadOnlySpan<float> points, int d, int k, int seed, int iterations = Iterations, int maxPointsPerCentroid = MaxPointsPerCentroid)
    {
        var n = points.Length / d;
        if (n < k) throw new ArgumentException($"k-means needs at least {k} points for {k} centroids, got {n}.", nameof(points));
        var random = new NumpyRandomState((uint)seed);
        var sample = Subsample(points, d, n, k * maxPointsPerCentroid, random);
        var m = sample.Length / d;

        var order = random.Permutation(m);
        var centroids = new float[k * d];
        for (var c = 0; c < k; c++) sample.AsSpan(order[c] * d, d).CopyTo(centroids.AsSpan(c * d, d));

        var assignment = new int[m];
        var distances = new float[m];
        var sums = new double[k * d];
        var counts = new int[k];
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            new FlatIndex(d, IndexMetric.L2, centroids).Search(sample, 1, distances, assignment);
            Array.Clear(sums);
            Array.Clear(counts);
            for (var i = 0; i < m; i++)
            {
                var c = assignment[i];
                counts[c]++;
                var row = sample.AsSpan(i * d, d);
                var sum = sums.AsSpan(c * d, d);
                for (var t = 0; t < d; t++) sum[t] += row[t];
            }
            for (var c = 0; c < k; c++)
            {
                if (counts[c] == 0) continue;
                var scale = 1.0 / counts[c];
                for (var t = 0; t < d; t++) centroids[c * d + t] = (float)(sums[c * d + t] * scale);
            }
            SplitEmptyClusters(centroids, counts, d, m, random);
        }
        return centroids;
    }

    /// <summary>All points when there are few enough, else <paramref name="limit"/> of them chosen at random.</summary>
    private static float[] Subsample(ReadOnlySpan<float> points, int d, int n, int limit, NumpyRandomState random)
    {
        if (n <= limit) return points.ToArray();
        var chosen = random.Permutation(n);
        var sample = new float[limit * d];
        for (var i = 0; i < limit; i++) points.Slice(chosen[i] * d, d).CopyTo(sample.AsSpan(i * d, d));
        return sample;
    }

    /// <summary>
    /// faiss's rule: an empty cluster takes a copy of a cluster picked with probability proportional to its size,
    /// the two copies nudged apart symmetrically, and the points shared between them.
    /// </summary>
    private static void SplitEmptyClusters(float[] centroids, int[] counts, int d, int n, NumpyRandomState random)
    {
        var k = counts.Length;
        for (var empty = 0; empty < k; empty++)
        {
            if (counts[empty] != 0) continue;
            var donor = 0;
            while (true)
            {
                var probability = (counts[donor] - 1.0) / (n - k);
                if (random.NextUInt32() / 4294967296.0 < probability) break;
                donor = (donor + 1) % k;
            }
            var target = centroids.AsSpan(empty * d, d);
            var source = centroids.AsSpan(donor * d, d);
            source.CopyTo(target);
            for (var t = 0; t < d; t++)
            {
                var up = t % 2 == 0;
                target[t] *= up ? 1 + SplitEpsilon : 1 - SplitEpsilon;
                source[t] *= up ? 1 - SplitEpsilon : 1 + SplitEpsilon;
            }
            counts[empty] = counts[donor] / 2;
            counts[donor] -= counts[empty];
        }
    }
}
