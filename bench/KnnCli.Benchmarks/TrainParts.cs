using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using KnnCli.Engine;
using KnnCli.Engine.ModelFiles;
using KnnCli.Engine.Training;

namespace KnnCli.Benchmarks;

/// <summary>
/// The parts of `knn train` measured alone, each with a Stopwatch, on the channels prepare wrote (label first, no
/// header): channel ingest (both CSVs into float matrices), model build (faiss.Flat), exact scoring (the whole
/// test matrix through KnnModel.Predict) and the model.tar.gz write (to memory). Prints one JSON line.
/// Usage: train-parts TRAIN.csv TEST.csv [K]
/// </summary>
internal static class TrainParts
{
    public static async Task<int> RunAsync(string[] args)
    {
        var k = args.Length > 2 ? args[2] : "5";
        var watch = Stopwatch.StartNew();
        var train = await LabelledCsv.LoadAsync(args[0], CancellationToken.None);
        var test = await LabelledCsv.LoadAsync(args[1], CancellationToken.None);
        var ingest = watch.Elapsed.TotalSeconds;

        watch.Restart();
        var hp = KnnHyperparameters.Parse(new Dictionary<string, string>
        {
            ["k"] = k, ["sample_size"] = train.Rows.ToString(CultureInfo.InvariantCulture), ["predictor_type"] = "classifier",
        });
        var model = KnnModelBuilder.Build(train.Features, train.Labels, train.Dimension, hp);
        var build = watch.Elapsed.TotalSeconds;

        watch.Restart();
        var predictions = new float[test.Rows];
        model.Predict(test.Features, predictions);
        var score = watch.Elapsed.TotalSeconds;

        watch.Restart();
        using var artifact = new MemoryStream();
        await ModelArtifact.WriteAsync(artifact, model, CancellationToken.None);
        var write = watch.Elapsed.TotalSeconds;

        var correct = predictions.Where((p, i) => p == test.Labels[i]).Count();
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["ingest_s"] = ingest, ["build_s"] = build, ["score_s"] = score, ["write_s"] = write,
            ["sum_s"] = ingest + build + score + write, ["accuracy"] = (double)correct / test.Rows,
        }));
        return 0;
    }
}
