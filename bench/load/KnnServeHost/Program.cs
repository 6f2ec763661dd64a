using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using KnnCli.Engine;
using KnnCli.Engine.ModelFiles;
using KnnCli.Engine.Training;
using KnnCli.Serving;

// Usage: KnnServeHost OUT_DIR [ROWS=10000] [DIM=16] [K=5]
// Writes OUT_DIR/train.csv (label first) for the Flask peer, OUT_DIR/model.tar.gz, and the request bodies
// OUT_DIR/rows-1.csv and OUT_DIR/rows-100.csv; then serves model.tar.gz (loaded back from disk, as `knn serve`
// does) on 127.0.0.1 with a free port until SIGTERM; prints the allocation totals on SIGHUP and when it stops.
var outDirectory = Directory.CreateDirectory(args[0]).FullName;
var rowCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
var dimension = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 16;
var k = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 5;
const int Classes = 3;

// Three Gaussian classes around different centres; a fixed seed so every run serves the same model.
var random = new Random(20240601);
var vectors = new float[rowCount * dimension];
var labels = new float[rowCount];
var train = new StringBuilder();
for (var row = 0; row < rowCount; row++)
{
    var label = row % Classes;
    labels[row] = label;
    train.Append(label.ToString(CultureInfo.InvariantCulture));
    for (var j = 0; j < dimension; j++)
    {
        var value = (float)(label * 2.0 + NextGaussian(random));
        vectors[row * dimension + j] = value;
        train.Append(',').Append(value.ToString("R", CultureInfo.InvariantCulture));
    }
    train.Append('\n');
}
await File.WriteAllTextAsync(Path.Combine(outDirectory, "train.csv"), train.ToString());
await File.WriteAllTextAsync(Path.Combine(outDirectory, "rows-1.csv"), QueryRows(1));
await File.WriteAllTextAsync(Path.Combine(outDirectory, "rows-100.csv"), QueryRows(100));

var hyperparameters = new KnnHyperparameters { K = k, SampleSize = rowCount, PredictorType = PredictorType.Classifier };
var archive = Path.Combine(outDirectory, ModelLoader.ArchiveName);
await using (var file = File.Create(archive))
    await ModelArtifact.WriteAsync(file, KnnModelBuilder.Build(vectors, labels, dimension, hyperparameters), CancellationToken.None);

// SIGHUP prints the process's allocation and GC totals, so the load script can work out bytes per request.
using var onHangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
{
    context.Cancel = true;
    PrintAllocations();
});
var model = await ModelLoader.LoadAsync(archive, CancellationToken.None);
await using var server = await InferenceServer.StartAsync(model, new ServerOptions { Port = 0 }, CancellationToken.None);
Console.WriteLine(server.ListeningMessage);
await server.WaitForShutdownAsync(CancellationToken.None);
PrintAllocations();
return;

static void PrintAllocations() => Console.WriteLine(FormattableString.Invariant(
    $"allocated_bytes={GC.GetTotalAllocatedBytes(precise: true)} gen0_collections={GC.CollectionCount(0)} gen2_collections={GC.CollectionCount(2)}"));

string QueryRows(int count)
{
    var text = new StringBuilder();
    for (var row = 0; row < count; row++)
    {
        for (var j = 0; j < dimension; j++)
            text.Append(j == 0 ? "" : ",").Append(((float)(row % Classes * 2.0 + NextGaussian(random))).ToString("F4", CultureInfo.InvariantCulture));
        text.Append('\n');
    }
    return text.ToString();
}

static double NextGaussian(Random random) =>
    Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
