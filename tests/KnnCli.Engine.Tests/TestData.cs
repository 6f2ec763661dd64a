using KnnCli.Engine.Index;

namespace KnnCli.Engine.Tests;

/// <summary>Seeded random data and a naive double-precision reference search to check the engine against.</summary>
internal static class TestData
{
    /// <summary>n × d standard normal floats.</summary>
    public static float[] Gaussian(int n, int d, int seed)
    {
        var random = new System.Random(seed);
        var data = new float[n * d];
        for (var i = 0; i < data.Length; i++) data[i] = (float)NextGaussian(random);
        return data;
    }

    /// <summary>
    /// n × d points around <paramref name="clusters"/> random centres (spread 5, noise 1) with the cluster as label.
    /// The centres come from <paramref name="seed"/>, the points from <paramref name="sampleSeed"/> (default: the
    /// same), so two calls that differ only in sampleSeed draw different points from the same distribution.
    /// </summary>
    public static (float[] Vectors, float[] Labels) Clustered(int n, int d, int clusters, int seed, int? sampleSeed = null)
    {
        var centreRandom = new System.Random(seed);
        var centres = new double[clusters * d];
        for (var i = 0; i < centres.Length; i++) centres[i] = NextGaussian(centreRandom) * 5;
        var random = sampleSeed is { } s ? new System.Random(s) : centreRandom;
        var vectors = new float[n * d];
        var labels = new float[n];
        for (var i = 0; i < n; i++)
        {
            var c = random.Next(clusters);
            labels[i] = c;
            for (var t = 0; t < d; t++) vectors[i * d + t] = (float)(centres[c * d + t] + NextGaussian(random));
        }
        return (vectors, labels);
    }

    /// <summary>Exact search in double precision; ties go to the smaller id.</summary>
    public static (double[] Distances, int[] Ids) Reference(float[] database, float[] queries, int d, int k, IndexMetric metric)
    {
        var n = database.Length / d;
        var nq = queries.Length / d;
        var distances = new double[nq * k];
        var ids = new int[nq * k];
        var sign = metric == IndexMetric.L2 ? 1 : -1; // rank by sign × score, ascending
        for (var q = 0; q < nq; q++)
        {
            var bestIds = ids.AsSpan(q * k, k);
            var best = distances.AsSpan(q * k, k);
            bestIds.Fill(-1);
            best.Fill(double.NaN);
            var found = 0;
            for (var i = 0; i < n; i++)
            {
                var score = Score(database, i, queries, q, d, metric);
                if (found == k && sign * score >= sign * best[k - 1]) continue; // ties keep the earlier (smaller) id
                var j = found < k ? found++ : k - 1;
                while (j > 0 && sign * best[j - 1] > sign * score)
                {
                    best[j] = best[j - 1];
                    bestIds[j] = bestIds[j - 1];
                    j--;
                }
                best[j] = score;
                bestIds[j] = i;
            }
        }
        return (distances, ids);
    }

    /// <summary>Squared L2 distance or inner product of database row i and query row q, in double.</summary>
    public static double Score(float[] database, int i, float[] queries, int q, int d, IndexMetric metric)
    {
        double sum = 0;
        for (var t = 0; t < d; t++)
        {
            double x = queries[q * d + t], y = database[i * d + t];
            sum += metric == IndexMetric.L2 ? (x - y) * (x - y) : x * y;
        }
        return sum;
    }

    /// <summary>Fraction of the reference ids the search found (recall@k).</summary>
    public static double Recall(int[] reference, int[] found, int k)
    {
        var hits = 0;
        for (var q = 0; q < reference.Length / k; q++)
        {
            var truth = reference.AsSpan(q * k, k);
            foreach (var id in found.AsSpan(q * k, k))
                if (id >= 0 && truth.Contains(id)) hits++;
        }
        return hits / (double)reference.Length;
    }

    private static double NextGaussian(System.Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
