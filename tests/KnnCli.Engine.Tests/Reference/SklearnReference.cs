using System.Globalization;
using System.Runtime.InteropServices;

namespace KnnCli.Engine.Tests.Reference;

/// <summary>
/// Runs Reference/sklearn_knn.py with Debian's /usr/bin/python3 (python3-sklearn). A missing interpreter, module or
/// data set fails the test: agreement with scikit-learn is what these tests prove.
/// </summary>
internal static class SklearnReference
{
    public const string FashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Reference", "sklearn_knn.py");

    /// <summary>scikit-learn's exact neighbours: ids and scores (squared euclidean, cosine distance or inner product).</summary>
    public static async Task<(long[] Ids, double[] Scores)> NeighborsAsync(float[] data, float[] queries, int d, int k, string metric)
    {
        var directory = Directory.CreateTempSubdirectory("knn-sklearn-");
        try
        {
            var dataFile = Path.Combine(directory.FullName, "data.f32");
            var queryFile = Path.Combine(directory.FullName, "queries.f32");
            var prefix = Path.Combine(directory.FullName, "result");
            await File.WriteAllBytesAsync(dataFile, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());
            await File.WriteAllBytesAsync(queryFile, MemoryMarshal.AsBytes(queries.AsSpan()).ToArray());
            await RunAsync("neighbors", dataFile, queryFile, Invariant(d), Invariant(k), metric, prefix);
            return (await ReadAsync<long>(prefix + ".ids.i64"), await ReadAsync<double>(prefix + ".scores.f64"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>KNeighborsClassifier(algorithm='brute') predictions on the Fashion-MNIST test set, per k.</summary>
    public static async Task<Dictionary<int, long[]>> FashionMnistPredictionsAsync(params int[] ks)
    {
        var directory = Directory.CreateTempSubdirectory("knn-fashion-");
        try
        {
            var prefix = Path.Combine(directory.FullName, "fashion");
            await RunAsync("fashion", FashionMnistDirectory, string.Join(',', ks.Select(Invariant)), prefix);
            var predictions = new Dictionary<int, long[]>();
            foreach (var k in ks) predictions[k] = await ReadAsync<long>($"{prefix}.k{Invariant(k)}.pred.i64");
            return predictions;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static Task RunAsync(params string[] arguments) =>
        DebianPython.RunAsync(Script, "python3-sklearn (and dataset-fashion-mnist for the Fashion-MNIST test)", TimeSpan.FromMinutes(10), arguments);

    private static async Task<T[]> ReadAsync<T>(string path) where T : unmanaged =>
        MemoryMarshal.Cast<byte, T>(await File.ReadAllBytesAsync(path)).ToArray();

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
