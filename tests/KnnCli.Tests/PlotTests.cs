using System.Text.Json;
using SkiaSharp;
using Xunit;

namespace KnnCli.Tests;

/// <summary>--plot through the real knn executable: the PNG is decoded and its pixels checked.</summary>
public sealed class PlotTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("knn-plot-").FullName;

    static readonly SKColor[] IrisColours = [SKColor.Parse("#1f77b4"), SKColor.Parse("#ff7f0e"), SKColor.Parse("#2ca02c")];

    [Fact]
    public async Task Prepare_plot_draws_a_scatter_matrix_with_class_colours_off_the_diagonal_only()
    {
        var run = await KnnProcess.RunAsync(_folder, "prepare", "--plot", "matrix.png");
        Assert.True(run.ExitCode == 0, run.Error);

        using var bitmap = SKBitmap.Decode(Path.Combine(_folder, "matrix.png"));
        const int cell = 260, features = 4;
        Assert.Equal((cell * features, cell * features), (bitmap.Width, bitmap.Height));
        for (var r = 0; r < features; r++)
        for (var c = 0; c < features; c++)
        {
            var present = IrisColours.Select(colour => CountInCell(bitmap, r, c, cell, colour)).ToArray();
            // Every feature pair shows all three species; the diagonal is a grey histogram with no class colour.
            if (r == c) Assert.All(present, count => Assert.Equal(0, count));
            else Assert.All(present, count => Assert.True(count > 20, $"cell {r},{c}: {string.Join(",", present)}"));
        }
    }

    [Fact]
    public async Task Run_plot_draws_prepares_scatter_matrix_too()
    {
        var run = await KnnProcess.RunAsync(_folder, "run", "--plot", "run-matrix.png");
        Assert.True(run.ExitCode == 0, run.Error);

        using var bitmap = SKBitmap.Decode(Path.Combine(_folder, "run-matrix.png"));
        Assert.Equal((4 * 260, 4 * 260), (bitmap.Width, bitmap.Height));
        Assert.True(CountInCell(bitmap, 0, 1, 260, IrisColours[0]) > 20);
    }

    [Fact]
    public async Task A_plot_path_in_a_missing_folder_is_one_error_line_exit_2_before_any_work()
    {
        var run = await KnnProcess.RunAsync(_folder, "prepare", "--plot", "missing/matrix.png");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--plot", run.Error);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(Directory.Exists(Path.Combine(_folder, ".knn")));
    }

    // predict --plot: 120-pixel cells inside margins of 150 (left), 130 (right), 50 (top), 90 (bottom); row 0 (actual setosa) on top.
    const int MatrixCell = 120, MatrixLeft = 150, MatrixTop = 50;

    [Fact]
    public async Task Predict_plot_draws_the_confusion_matrix_darker_for_larger_counts_with_each_count_written_on_its_cell()
    {
        await RunOkAsync("prepare");
        await RunOkAsync("train");
        await RunOkAsync("deploy");
        try
        {
            var dryRun = await KnnProcess.RunAsync(_folder, "predict", "--plot", "matrix.png", "--dry-run");
            Assert.True(dryRun.ExitCode == 0, dryRun.Error);
            Assert.Contains("would draw the confusion matrix", dryRun.Error);
            Assert.False(File.Exists(Path.Combine(_folder, "matrix.png")));

            var run = await RunOkAsync("predict", "--plot", "matrix.png", "--json");
            var json = JsonDocument.Parse(run.Output).RootElement;
            Assert.Equal(Path.Combine(_folder, "matrix.png"), json.GetProperty("plot").GetString());
            Assert.Equal(0.9736842105263158, json.GetProperty("accuracy").GetDouble()); // the JSON document is still whole

            using var bitmap = SKBitmap.Decode(Path.Combine(_folder, "matrix.png"));
            Assert.Equal((150 + 130 + 3 * MatrixCell, 50 + 90 + 3 * MatrixCell), (bitmap.Width, bitmap.Height));
            // The notebook's test split: setosa 13, versicolor 15 (+1 taken for virginica), virginica 9.
            int[,] counts = { { 13, 0, 0 }, { 0, 15, 1 }, { 0, 0, 9 } };
            var background = new Dictionary<int, float>();
            for (var a = 0; a < 3; a++)
            for (var p = 0; p < 3; p++)
            {
                // A cell's colour away from its number, near its top-left corner.
                var colour = bitmap.GetPixel(MatrixLeft + p * MatrixCell + 15, MatrixTop + a * MatrixCell + 15);
                var lightness = Lightness(colour);
                if (background.TryGetValue(counts[a, p], out var same)) Assert.Equal(same, lightness, 0.01);
                background[counts[a, p]] = lightness;
                if (counts[a, p] > 0) Assert.True(colour.Blue > colour.Red, $"cell {a},{p} is {colour}, not blue");
                // The count in the middle: dark text on a light cell, white on a dark one (above half the largest count).
                var text = CountNear(bitmap, MatrixLeft + p * MatrixCell + MatrixCell / 2, MatrixTop + a * MatrixCell + MatrixCell / 2, 20,
                    c => counts[a, p] > 15 / 2 ? Lightness(c) > 0.9 : Lightness(c) < 0.3);
                Assert.True(text > 15, $"cell {a},{p}: {text} text pixels");
                Assert.Equal(0, CountNear(bitmap, MatrixLeft + p * MatrixCell + 20, MatrixTop + a * MatrixCell + 20, 8,
                    c => Math.Abs(Lightness(c) - lightness) > 0.05));
            }
            // Larger counts are darker: 0 (white) > 1 > 9 > 13 > 15.
            Assert.True(background[0] > 0.97, $"an empty cell's lightness is {background[0]}");
            Assert.Equal([15, 13, 9, 1, 0], background.OrderBy(b => b.Value).Select(b => b.Key));
            // The class names beside the rows and under the columns.
            for (var i = 0; i < 3; i++)
            {
                Assert.True(CountNear(bitmap, MatrixLeft - 35, MatrixTop + i * MatrixCell + MatrixCell / 2, 20, c => Lightness(c) < 0.5) > 10, $"no name by row {i}");
                Assert.True(CountNear(bitmap, MatrixLeft + i * MatrixCell + MatrixCell / 2, MatrixTop + 3 * MatrixCell + 12, 10, c => Lightness(c) < 0.5) > 10, $"no name under column {i}");
            }
        }
        finally
        {
            await KnnProcess.RunAsync(_folder, "cleanup");
        }
    }

    [Fact]
    public async Task Predict_plot_is_refused_in_one_line_for_unlabelled_rows_and_for_a_regressor_before_any_request()
    {
        await RunOkAsync("prepare");
        // No endpoint of that name: a request would fail with exit 4, so exit 2 shows the refusal came first.
        var rows = await KnnProcess.RunAsync(_folder, "predict", "--endpoint-name", "no-such-endpoint", "--rows", "5.1,3.5,1.4,0.2", "--plot", "matrix.png");
        Assert.Equal((2, "error: --plot draws the confusion matrix of labelled rows: pass --input FILE with the label in the first column, or no --input for the prepared test file.\n"),
            (rows.ExitCode, rows.Error));

        await RunOkAsync("train", "--predictor-type", "regressor", "--k", "1");
        var regressor = await KnnProcess.RunAsync(_folder, "predict", "--endpoint-name", "no-such-endpoint", "--plot", "matrix.png");
        Assert.Equal((2, "error: --plot draws a confusion matrix, and a regressor has none (its score is the MSE): drop --plot.\n"), (regressor.ExitCode, regressor.Error));

        var badPath = await KnnProcess.RunAsync(_folder, "predict", "--endpoint-name", "no-such-endpoint", "--plot", "matrix.jpg");
        Assert.Equal((2, "error: --plot must name a .png file, got 'matrix.jpg'.\n"), (badPath.ExitCode, badPath.Error));
        Assert.Empty(Directory.GetFiles(_folder, "matrix.*"));
    }

    // tune --plot: 800×500, the data area inside margins of 80 (left), 30 (right), 50 (top), 60 (bottom).
    const int CurveLeft = 80, CurveTop = 50, CurveRight = 800 - 30, CurveBottom = 500 - 60;

    [Theory]
    [InlineData("classifier", "accuracy")]
    [InlineData("regressor", "mse")]
    public async Task Tune_plot_draws_the_mean_with_std_bars_at_each_k_and_circles_the_best(string predictorType, string score)
    {
        await RunOkAsync("prepare");
        var run = await RunOkAsync("tune", "--k", "1,3,5,7,9", "--predictor-type", predictorType, "--plot", "tune.png", "--json");
        var json = JsonDocument.Parse(run.Output).RootElement;
        Assert.Equal(Path.Combine(_folder, "tune.png"), json.GetProperty("plot").GetString());
        var points = json.GetProperty("candidates").EnumerateArray()
            .Select(c => (K: c.GetProperty("k").GetInt32(), Mean: c.GetProperty($"{score}_mean").GetDouble(), Std: c.GetProperty($"{score}_std").GetDouble())).ToArray();
        var bestK = json.GetProperty("best").GetProperty("k").GetInt32();

        using var bitmap = SKBitmap.Decode(Path.Combine(_folder, "tune.png"));
        Assert.Equal((800, 500), (bitmap.Width, bitmap.Height));
        // The axes as PlotFile sets them: k from 0 to 10; the score over every mean ± std, widened by a tenth of that span.
        var (low, high) = (points.Min(p => p.Mean - p.Std), points.Max(p => p.Mean + p.Std));
        var margin = Math.Max(0.01, (high - low) / 10);
        int X(double k) => (int)Math.Round(CurveLeft + k / 10 * (CurveRight - CurveLeft));
        int Y(double value) => (int)Math.Round(CurveTop + (high + margin - value) / (high - low + 2 * margin) * (CurveBottom - CurveTop));
        var line = SKColor.Parse("#1f77b4");
        foreach (var (k, mean, std) in points)
        {
            Assert.True(CountNear(bitmap, X(k), Y(mean), 3, c => c == line) > 10, $"no marker at k={k}");
            // The std bar's ends are there, and nothing of the line's colour beyond them in that column.
            Assert.True(CountNear(bitmap, X(k), Y(mean + std), 2, c => c == line) > 0, $"no bar top at k={k}");
            Assert.True(CountNear(bitmap, X(k), Y(mean - std), 2, c => c == line) > 0, $"no bar bottom at k={k}");
            Assert.Equal(0, CountColumn(bitmap, X(k), CurveTop + 1, Y(mean + std) - 4, line));
            Assert.Equal(0, CountColumn(bitmap, X(k), Y(mean - std) + 4, CurveBottom - 1, line));
            // The best k is circled in black (the ring around the marker), the others not.
            var ring = CountRing(bitmap, X(k), Y(mean), 10, 14, c => Lightness(c) < 0.2);
            if (k == bestK) Assert.True(ring > 20, $"best k={k}: {ring} ring pixels");
            else Assert.True(ring < 5, $"k={k} is not the best but has {ring} ring pixels");
        }
        // No line left of the smallest k or right of the largest.
        Assert.Equal(0, CountColumn(bitmap, X(0.5), CurveTop + 1, CurveBottom - 1, line));
        Assert.Equal(0, CountColumn(bitmap, X(9.5), CurveTop + 1, CurveBottom - 1, line));
    }

    [Fact]
    public async Task Tune_plot_is_refused_on_sagemaker_and_for_a_bad_path_and_not_written_on_a_dry_run()
    {
        var sagemaker = await KnnProcess.RunAsync(_folder, "tune", "--target", "sagemaker", "--plot", "tune.png");
        Assert.Equal(2, sagemaker.ExitCode);
        Assert.StartsWith("error: --plot draws the local cross-validation", sagemaker.Error);
        Assert.Single(sagemaker.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        var missing = await KnnProcess.RunAsync(_folder, "tune", "--plot", "missing/tune.png");
        Assert.Equal(2, missing.ExitCode);
        Assert.StartsWith("error: --plot: folder", missing.Error);

        await RunOkAsync("prepare");
        var dryRun = await RunOkAsync("tune", "--plot", "tune.png", "--dry-run");
        Assert.Contains("[dry-run] would draw the accuracy against k", dryRun.Error);
        var dryRunJson = await RunOkAsync("tune", "--plot", "tune.png", "--dry-run", "--json");
        Assert.False(JsonDocument.Parse(dryRunJson.Output).RootElement.TryGetProperty("plot", out _));
        Assert.Empty(Directory.GetFiles(_folder, "tune*"));
    }

    async Task<KnnRun> RunOkAsync(params string[] args)
    {
        var run = await KnnProcess.RunAsync(_folder, args);
        Assert.True(run.ExitCode == 0, $"knn {string.Join(' ', args)}: {run.Error}");
        return run;
    }

    static float Lightness(SKColor colour) => (colour.Red + colour.Green + colour.Blue) / (3f * 255);

    /// <summary>Pixels that match within a square of the given reach around (x, y).</summary>
    static int CountNear(SKBitmap bitmap, int x, int y, int reach, Func<SKColor, bool> match) => Count(bitmap, x, y, reach, (_, _) => true, match);

    /// <summary>Pixels that match between two distances from (x, y).</summary>
    static int CountRing(SKBitmap bitmap, int x, int y, double inner, double outer, Func<SKColor, bool> match) =>
        Count(bitmap, x, y, (int)Math.Ceiling(outer), (dx, dy) => Math.Sqrt(dx * dx + dy * dy) is var d && d >= inner && d <= outer, match);

    static int Count(SKBitmap bitmap, int x, int y, int reach, Func<int, int, bool> within, Func<SKColor, bool> match)
    {
        var count = 0;
        for (var dy = -reach; dy <= reach; dy++)
        for (var dx = -reach; dx <= reach; dx++)
            if (within(dx, dy) && match(bitmap.GetPixel(x + dx, y + dy))) count++;
        return count;
    }

    static int CountColumn(SKBitmap bitmap, int x, int fromY, int toY, SKColor colour)
    {
        var count = 0;
        for (var y = fromY; y <= toY; y++)
            if (bitmap.GetPixel(x, y) == colour) count++;
        return count;
    }

    static int CountInCell(SKBitmap bitmap, int row, int column, int cell, SKColor colour)
    {
        var count = 0;
        for (var y = row * cell; y < (row + 1) * cell; y++)
        for (var x = column * cell; x < (column + 1) * cell; x++)
            if (bitmap.GetPixel(x, y) == colour) count++;
        return count;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
