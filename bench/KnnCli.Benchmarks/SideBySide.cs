using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using KnnCli.Engine;
using KnnCli.Engine.Index;
using KnnCli.Engine.Training;

namespace KnnCli.Benchmarks;

/// <summary>
/// Times our engine on the CSVs the peers script writes and prints one JSON line per measurement, in the same
/// shape as peers_knn.py (method, fit_s, query_s, qps, accuracy, recall_at_k, maxrss_mb), so
/// bench/side_by_side.py can put them in one table.
/// </summary>
internal static class SideBySide
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = ParseOptions(args);
        var reps = int.Parse(options.GetValueOrDefault("reps", "3"), CultureInfo.InvariantCulture);
        // Builds are slow and timed apart from searches; a profile of the search phase wants many searches, one build.
        var fitReps = options.TryGetValue("fit-reps", out var fits) ? int.Parse(fits, CultureInfo.InvariantCulture) : reps;
        var train = await LabelledCsv.LoadAsync(options["train"], CancellationToken.None);
        for (var rep = 1; rep < reps; rep++)
        {
            var again = await LabelledCsv.LoadAsync(options["train"], CancellationToken.None);
            if (again.ReadSeconds < train.ReadSeconds) train = again;
        }
        var test = await LabelledCsv.LoadAsync(options["test"], CancellationToken.None);
        var k = int.Parse(options.GetValueOrDefault("k", "10"), CultureInfo.InvariantCulture);
        var indexTypes = options.GetValueOrDefault("index", "faiss.Flat").Split(',');
        var nprobes = options.GetValueOrDefault("nprobe", "5").Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        var common = new Dictionary<string, object?>
        {
            ["kind"] = "result", ["engine"] = "knn", ["n"] = train.Rows, ["d"] = train.Dimension, ["q"] = test.Rows, ["k"] = k,
            ["threads"] = Environment.ProcessorCount, ["vector_bits"] = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 512 : 256,
        };
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>(common)
        {
            ["kind"] = "csv_read", ["train_csv_s"] = train.ReadSeconds, ["csv_reps"] = reps, ["test_csv_s"] = test.ReadSeconds,
            ["train_csv_mb"] = new FileInfo(options["train"]).Length / 1048576.0,
        }));

        int[]? exactIds = null;
        foreach (var indexType in indexTypes)
        {
            var hp = new Dictionary<string, string>
            {
                ["k"] = k.ToString(CultureInfo.InvariantCulture),
                ["sample_size"] = train.Rows.ToString(CultureInfo.InvariantCulture),
                ["predictor_type"] = "classifier",
                ["index_type"] = indexType,
            };
            foreach (var name in new[] { "faiss_index_ivf_nlists", "faiss_index_pq_m", "index_metric" })
                if (options.TryGetValue(name.Replace('_', '-'), out var value)) hp[name] = value;
            var hyperparameters = KnnHyperparameters.Parse(hp);

            // Fit includes what the first large batch search would build (a flat L2 index's pruning cells), so the query
            // time below is the search alone and no build hides in its best-of.
            var (model, fitSeconds) = Best(fitReps, () =>
            {
                var built = KnnModelBuilder.Build((float[])train.Features.Clone(), train.Labels, train.Dimension, hyperparameters);
                built.PrepareBatchSearch();
                return built;
            });
            foreach (var nprobe in indexType == "faiss.Flat" ? [0] : nprobes)
            {
                var parameters = new SearchParameters { Nprobe = nprobe };
                var distances = new float[test.Rows * k];
                var ids = new int[test.Rows * k];
                var (_, querySeconds) = Best(reps, () => { model.Index.Search(test.Features, k, distances, ids, parameters); return 0; });
                var predictions = new float[test.Rows];
                model.Predict(test.Features, predictions, parameters: parameters);
                var accuracy = predictions.Zip(test.Labels).Count(p => p.First == p.Second) / (double)test.Rows;
                if (indexType == "faiss.Flat") exactIds ??= ids;
                var row = new Dictionary<string, object?>(common)
                {
                    ["method"] = "knn_" + indexType["faiss.".Length..].ToLowerInvariant(),
                    ["fit_s"] = fitSeconds, ["query_s"] = querySeconds, ["qps"] = test.Rows / querySeconds,
                    ["accuracy"] = accuracy, ["index_mb"] = IndexBytes(model.Index) / 1048576.0,
                    ["raw_mb"] = train.Features.Length * 4.0 / 1048576.0,
                    ["maxrss_mb"] = Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0,
                };
                if (model.Index is IvfIndex ivfIndex)
                {
                    row["nlist"] = ivfIndex.ListCount;
                    row["nprobe"] = nprobe;
                }
                if (exactIds is not null && indexType != "faiss.Flat") row[$"recall_at_{k}"] = Recall(exactIds, ids, k);
                Console.WriteLine(JsonSerializer.Serialize(row));
            }
        }
        return 0;
    }

    private static (T Result, double Seconds) Best<T>(int reps, Func<T> run)
    {
        var best = double.MaxValue;
        T result = default!;
        for (var i = 0; i < reps; i++)
        {
            var watch = Stopwatch.StartNew();
            result = run();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return (result, best);
    }

    /// <summary>Fraction of the exact top-k ids that the approximate search found, as peers_knn.py counts it.</summary>
    private static double Recall(int[] exact, int[] approximate, int k)
    {
        long found = 0;
        for (var q = 0; q < exact.Length / k; q++)
        {
            var truth = exact.AsSpan(q * k, k);
            foreach (var id in approximate.AsSpan(q * k, k))
                if (id >= 0 && truth.Contains(id)) found++;
        }
        return found / (double)exact.Length;
    }

    private static long IndexBytes(IKnnIndex index) => index switch
    {
        FlatIndex flat => (flat.Vectors.Length + (flat.Metric == IndexMetric.L2 ? flat.Count : 0)) * 4L,
        IvfFlatIndex ivf => ivf.Centroids.Length * 4L + ivf.Count * (ivf.Dimension * 4L + 4 + (ivf.Metric == IndexMetric.L2 ? 4 : 0)),
        IvfPqIndex pq => pq.Centroids.Length * 4L + pq.PqCodebooks.Length * 4L + pq.Count * (pq.SubQuantizers + 4L),
        _ => 0,
    };

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"Expected an option, got '{args[i]}'.");
            options[args[i][2..]] = args[i + 1];
        }
        foreach (var required in new[] { "train", "test" })
            if (!options.ContainsKey(required)) throw new ArgumentException($"--{required} FILE is required.");
        return options;
    }
}
