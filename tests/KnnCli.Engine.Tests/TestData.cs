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

    /// <summary>n × d points around <paramref name="clusters"/> random centres (spread 5, noise 1), with the cluster as label.</summary>
    public static (float[] Vectors, float[] Labels) Clustered(int n, int d, int clusters, int seed)
    {
        var random = new System.Random(seed);
        var centres = new double[clusters * d];
        for (var i = 0; i < centres.Length; i++) centres[i] = NextGaussian(random) * 5;
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
        var scores = new double[n];
        var order = new int[n];
        for (var q = 0; q < nq; q++)
        {
            for (var i = 0; i < n; i++)
            {
                scores[i] = Score(database, i, queries, q, d, metric);
                order[i] = i;
            }
            var sign = metric == IndexMetric.L2 ? 1 : -1;
            Array.Sort(order, (a, b) => sign * scores[a] != sign * scores[b] ? (sign * scores[a]).CompareTo(sign * scores[b]) : a.CompareTo(b));
            for (var j = 0; j < k; j++)
            {
                ids[q * k + j] = j < n ? order[j] : -1;
                distances[q * k + j] = j < n ? scores[order[j]] : double.NaN;
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
