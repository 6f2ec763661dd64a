using System.Globalization;
using System.Text.Json;
using KnnCli.Core.Data;
using KnnCli.Core.Errors;
using KnnCli.Core.Settings;
using KnnCli.Core.Workflow;
using KnnCli.Engine.Tests;

namespace KnnCli.Core.Tests;

/// <summary>knn tune's folds and scores against scikit-learn itself (Debian's python3-sklearn), not our own reference.</summary>
public sealed class TuneTests : IDisposable
{
    private static readonly string Reference = DebianPython.Script("sklearn_cv.py");
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-tune-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string, int, int, uint> FoldCases()
    {
        var cases = new TheoryData<string, int, int, uint>();
        foreach (var kind in new[] { "kfold", "stratified" })
            foreach (var (rows, folds, seed) in new[] { (10, 3, 0u), (97, 5, 42u), (150, 10, 7u), (1000, 4, 123456u) })
                cases.Add(kind, rows, folds, seed);
        return cases;
    }

    [Theory]
    [MemberData(nameof(FoldCases))]
    public async Task Folds_match_scikit_learn_index_for_index(string kind, int rows, int folds, uint seed)
    {
        var path = WriteClasses(rows, seed);
        var expected = await SklearnFoldsAsync(path, folds, seed, kind);
        var ours = kind == "stratified" ? CrossValidationFolds.Stratified(ReadLabels(path), folds, seed) : CrossValidationFolds.KFold(rows, folds, seed);
        Assert.Equal(expected.Length, ours.Length);
        for (var f = 0; f < folds; f++)
        {
            Assert.Equal(expected[f].Test, ours[f].Test);
            Assert.Equal(expected[f].Train, ours[f].Train);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Classifier_scores_match_scikit_learn_cross_validate(bool stratify)
    {
        var path = WriteClasses(180, 3);
        var result = await CrossValidateAsync(new TuneOptions { Input = path, K = [1, 3, 5, 9], Folds = 5, Seed = 11, Stratify = stratify });
        using var expected = JsonDocument.Parse(await DebianPython.RunAsync(Reference, "python3-sklearn and python3-numpy", TimeSpan.FromMinutes(3),
            "scores", path, "5", "11", stratify ? "stratified" : "kfold", "classifier", "1", "3", "5", "9"));

        Assert.Equal([1, 3, 5, 9], result.Candidates.Select(c => c.K));
        foreach (var candidate in result.Candidates)
        {
            var k = expected.RootElement.GetProperty(candidate.K.ToString(CultureInfo.InvariantCulture));
            var (accuracy, accuracyStd) = LocalTuning.MeanAndStd(Doubles(k.GetProperty("accuracy")));
            var (f1, f1Std) = LocalTuning.MeanAndStd(Doubles(k.GetProperty("macro_f1")));
            Assert.Equal(accuracy, candidate.AccuracyMean!.Value, 12);
            Assert.Equal(accuracyStd, candidate.AccuracyStd!.Value, 12);
            Assert.Equal(f1, candidate.MacroF1Mean!.Value, 12);
            Assert.Equal(f1Std, candidate.MacroF1Std!.Value, 12);
            Assert.Null(candidate.MseMean);
        }
        var best = result.Candidates.MaxBy(c => c.AccuracyMean)!;
        Assert.Equal(best.AccuracyMean, result.Best.AccuracyMean);
    }

    [Fact]
    public async Task Regressor_mse_matches_scikit_learn_and_the_best_has_the_lowest()
    {
        var path = WriteRegression(120, 5);
        var result = await CrossValidateAsync(new TuneOptions { Input = path, K = [1, 2, 4, 8], Folds = 4, Seed = 3, PredictorType = "regressor" });
        using var expected = JsonDocument.Parse(await DebianPython.RunAsync(Reference, "python3-sklearn and python3-numpy", TimeSpan.FromMinutes(3),
            "scores", path, "4", "3", "kfold", "regressor", "1", "2", "4", "8"));
        foreach (var candidate in result.Candidates)
        {
            var (mse, std) = LocalTuning.MeanAndStd(Doubles(expected.RootElement.GetProperty(candidate.K.ToString(CultureInfo.InvariantCulture)).GetProperty("mse")));
            // The engine averages float32 neighbour values; scikit-learn averages in float64.
            Assert.Equal(mse, candidate.MseMean!.Value, 1e-5 * (1 + mse));
            Assert.Equal(std, candidate.MseStd!.Value, 1e-5 * (1 + std));
            Assert.Null(candidate.AccuracyMean);
        }
        Assert.Equal(result.Candidates.Min(c => c.MseMean), result.Best.MseMean);
    }

    [Fact]
    public async Task Index_types_and_metrics_multiply_the_candidates()
    {
        var path = WriteClasses(200, 9);
        var result = await CrossValidateAsync(new TuneOptions
        {
            Input = path, K = [1, 5], Folds = 3, IndexTypes = ["faiss.Flat", "faiss.IVFFlat"], IndexMetrics = ["L2", "COSINE"],
        });
        Assert.Equal(8, result.Candidates.Count);
        Assert.Equal(["faiss.Flat", "faiss.IVFFlat"], result.Candidates.Select(c => c.IndexType).Distinct());
        Assert.Equal(["L2", "COSINE"], result.Candidates.Select(c => c.IndexMetric).Distinct());
        Assert.All(result.Candidates, c => Assert.InRange(c.AccuracyMean!.Value, 0.5, 1.0));
    }

    [Fact]
    public async Task Bad_requests_are_input_errors()
    {
        var path = WriteClasses(6, 1);
        await Assert.ThrowsAsync<InputException>(() => CrossValidateAsync(new TuneOptions { Input = path, Folds = 7 }));
        await Assert.ThrowsAsync<InputException>(() => CrossValidateAsync(new TuneOptions { Input = path, Folds = 1 }));
        await Assert.ThrowsAsync<InputException>(() => CrossValidateAsync(new TuneOptions { Input = path, K = [0] }));
        await Assert.ThrowsAsync<InputException>(() => CrossValidateAsync(new TuneOptions { Input = path, PredictorType = "regressor", Stratify = true }));
        await Assert.ThrowsAsync<InputException>(() => CrossValidateAsync(new TuneOptions { Input = Path.Combine(_directory, "missing.csv") }));
        await Assert.ThrowsAsync<InputException>(() => CrossValidateAsync(new TuneOptions())); // nothing prepared
    }

    private async Task<TuneResult> CrossValidateAsync(TuneOptions options) =>
        (await Workflow().RunAsync(options, CancellationToken.None)).CrossValidation!;

    private TuneWorkflow Workflow() =>
        new(new WorkflowContext(new CommonSettings { WorkingDirectory = _directory }, new NoTargets(), new RecordingLog()));

    /// <summary>Three overlapping Gaussian classes of unequal size, labels in no sorted order (the first row is class 2).</summary>
    private string WriteClasses(int rows, uint seed)
    {
        var random = new Random((int)seed);
        var lines = Enumerable.Range(0, rows).Select(i =>
        {
            var label = i == 0 ? 2 : random.NextDouble() switch { < 0.5 => 0, < 0.8 => 1, _ => 2 };
            var features = Enumerable.Range(0, 4).Select(d => label * 1.5 + Gaussian(random) + d);
            return string.Join(',', new[] { label.ToString(CultureInfo.InvariantCulture) }.Concat(features.Select(Format)));
        });
        return Write($"classes-{rows}-{seed}.csv", lines);
    }

    private string WriteRegression(int rows, uint seed)
    {
        var random = new Random((int)seed);
        var lines = Enumerable.Range(0, rows).Select(_ =>
        {
            var x = Enumerable.Range(0, 3).Select(_ => random.NextDouble() * 10).ToArray();
            var y = x[0] * 2 - x[1] + Gaussian(random);
            return string.Join(',', new[] { y }.Concat(x).Select(Format));
        });
        return Write($"regression-{rows}-{seed}.csv", lines);
    }

    private string Write(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>Six decimals, exactly representable enough that both sides parse the same float32.</summary>
    private static string Format(double value) => value.ToString("F6", CultureInfo.InvariantCulture);

    private static double[] ReadLabels(string path) =>
        File.ReadLines(path).Select(l => double.Parse(l.Split(',')[0], CultureInfo.InvariantCulture)).ToArray();

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    private static async Task<Fold[]> SklearnFoldsAsync(string path, int folds, uint seed, string kind)
    {
        var output = await DebianPython.RunAsync(Reference, "python3-sklearn and python3-numpy", TimeSpan.FromMinutes(3),
            "folds", path, folds.ToString(CultureInfo.InvariantCulture), seed.ToString(CultureInfo.InvariantCulture), kind);
        using var document = JsonDocument.Parse(output);
        return document.RootElement.GetProperty("folds").EnumerateArray()
            .Select(f => new Fold(Ints(f.GetProperty("train")), Ints(f.GetProperty("test")))).ToArray();
    }

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
}
