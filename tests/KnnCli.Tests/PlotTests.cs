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
    public async Task A_plot_path_in_a_missing_folder_is_one_error_line_exit_2_before_any_work()
    {
        var run = await KnnProcess.RunAsync(_folder, "prepare", "--plot", "missing/matrix.png");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--plot", run.Error);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(Directory.Exists(Path.Combine(_folder, ".knn")));
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
