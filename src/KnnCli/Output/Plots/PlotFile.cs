using KnnCli.Core.Errors;
using KnnCli.Core.IO;
using ScottPlot;
using SkiaSharp;

namespace KnnCli.Output.Plots;

/// <summary>The PNG pictures of prepare/predict/tune, drawn with ScottPlot and written atomically.</summary>
public static class PlotFile
{
    /// <summary>Class colours (matplotlib's tab10), so a class has the same colour in every picture.</summary>
    public static readonly string[] ClassColours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>Refuses a bad --plot path before any work is done.</summary>
    public static string? Check(string? path)
    {
        if (path is null) return null;
        if (!path.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new InputException($"--plot must name a .png file, got '{path}'.");
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder)) throw new InputException($"--plot: folder '{folder}' does not exist.");
        if (Directory.Exists(full)) throw new InputException($"--plot: '{full}' is a folder.");
        return full;
    }

    /// <summary>pandas.plotting.scatter_matrix: every feature pair coloured by class, histograms on the diagonal.</summary>
    public static Task WriteScatterMatrixAsync(string path, IReadOnlyList<string> features, IReadOnlyList<double[]> rows, IReadOnlyList<int> classes,
        IReadOnlyList<string> classNames, CancellationToken cancellationToken)
    {
        const int cell = 260;
        var n = features.Count;
        var plots = new Plot[n, n];
        for (var r = 0; r < n; r++)
        for (var c = 0; c < n; c++)
        {
            var plot = new Plot();
            if (r == c) AddHistogram(plot, rows.Select(row => row[c]).ToArray());
            else
                for (var k = 0; k < classNames.Count; k++)
                {
                    var members = Enumerable.Range(0, rows.Count).Where(i => classes[i] == k).ToArray();
                    var points = plot.Add.ScatterPoints(members.Select(i => rows[i][c]).ToArray(), members.Select(i => rows[i][r]).ToArray(), Colour(k));
                    points.MarkerSize = 5;
                    points.LegendText = classNames[k];
                }
            plot.HideLegend();
            if (r == n - 1) plot.XLabel(features[c]);
            if (c == 0) plot.YLabel(features[r]);
            plots[r, c] = plot;
        }
        // The legend goes on the first off-diagonal cell so the diagonal stays a plain histogram.
        if (n > 1) plots[0, 1].ShowLegend(Alignment.UpperRight);
        return WriteAsync(path, n * cell, n * cell, canvas =>
        {
            for (var r = 0; r < n; r++)
            for (var c = 0; c < n; c++)
                DrawCell(canvas, plots[r, c], c * cell, r * cell, cell);
        }, cancellationToken);
    }

    public static Color Colour(int classIndex) => Color.FromHex(ClassColours[classIndex % ClassColours.Length]);

    static void AddHistogram(Plot plot, double[] values)
    {
        const int bins = 10;
        var (min, max) = (values.Min(), values.Max());
        var width = max > min ? (max - min) / bins : 1;
        var counts = new double[bins];
        foreach (var v in values) counts[Math.Min(bins - 1, (int)((v - min) / width))]++;
        var bars = plot.Add.Bars(Enumerable.Range(0, bins).Select(b => min + (b + 0.5) * width).ToArray(), counts);
        // Grey, so no histogram pixel can be mistaken for a class colour.
        foreach (var bar in bars.Bars) (bar.Size, bar.FillColor) = (width * 0.95, Colors.Gray);
    }

    /// <summary>A plot renders onto a surface of its own: rendering clears the whole canvas it is given.</summary>
    static void DrawCell(SKCanvas canvas, Plot plot, int x, int y, int size)
    {
        using var surface = SKSurface.Create(new SKImageInfo(size, size));
        plot.Render(surface);
        using var image = surface.Snapshot();
        canvas.DrawImage(image, x, y);
    }

    static Task WriteAsync(string path, int width, int height, Action<SKCanvas> draw, CancellationToken cancellationToken)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        surface.Canvas.Clear(SKColors.White);
        draw(surface.Canvas);
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return AtomicFile.WriteAllBytesAsync(path, png.ToArray(), cancellationToken);
    }
}
