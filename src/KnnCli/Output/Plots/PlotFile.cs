using KnnCli.Core.Errors;
using KnnCli.Core.IO;
using KnnCli.Core.Workflow;
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

    /// <summary>
    /// Draws a checked --plot path after the workflow, except on a dry run, which only says what it would write.
    /// Returns the path drawn, for the result record.
    /// </summary>
    public static async Task<string?> DrawAsync(string? path, WorkflowContext workflow, string picture, Func<string, Task> draw)
    {
        if (path is null) return null;
        if (workflow.Settings.DryRun)
        {
            workflow.Log.Info($"would draw the {picture} to {path}");
            return null;
        }
        await draw(path);
        workflow.Log.Info($"Drew the {picture} to {path}");
        return path;
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
                DrawCell(canvas, plots[r, c], c * cell, r * cell, cell, cell);
        }, cancellationToken);
    }

    /// <summary>Confusion-matrix geometry: cells of this many pixels, inside fixed margins (class names, axis labels, colour bar).</summary>
    public const int MatrixCell = 120;
    public static readonly PixelPadding MatrixMargins = new(left: 150, right: 130, bottom: 90, top: 50);

    /// <summary>
    /// The confusion matrix as an annotated heatmap: rows actual, columns predicted, each cell's count written on it,
    /// white (no rows) to dark blue (the largest count), with its colour bar.
    /// </summary>
    public static Task WriteConfusionMatrixAsync(string path, int[,] matrix, IReadOnlyList<string> classNames, CancellationToken cancellationToken)
    {
        var n = classNames.Count;
        var counts = new double[n, n];
        for (var a = 0; a < n; a++)
        for (var p = 0; p < n; p++)
            counts[a, p] = matrix[a, p];
        var max = Math.Max(1, counts.Cast<double>().Max());
        var plot = new Plot();
        // Row 0 of the array is drawn at the top, so actual class r sits at y = n-1-r.
        var heatmap = plot.Add.Heatmap(counts);
        // ScottPlot's Blues runs dark to light; turned round, an empty cell is white and the largest count dark blue.
        heatmap.Colormap = new ScottPlot.Colormaps.Custom([.. new ScottPlot.Colormaps.Blues().GetColors(256, 0, 1).Reverse()], false);
        heatmap.ManualRange = new ScottPlot.Range(0, max);
        heatmap.Rectangle = new CoordinateRect(-0.5, n - 0.5, -0.5, n - 0.5);
        plot.Add.ColorBar(heatmap);
        for (var a = 0; a < n; a++)
        for (var p = 0; p < n; p++)
        {
            var text = plot.Add.Text(matrix[a, p].ToString(System.Globalization.CultureInfo.InvariantCulture), p, n - 1 - a);
            text.LabelFontSize = 22;
            text.LabelAlignment = Alignment.MiddleCenter;
            // Dark text on a light cell, white on a dark one, as scikit-learn's ConfusionMatrixDisplay does.
            text.LabelFontColor = counts[a, p] > max / 2 ? Colors.White : Colors.Black;
        }
        var positions = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, [.. classNames]);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, [.. classNames.Reverse()]);
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        plot.HideGrid();
        plot.XLabel("Predicted");
        plot.YLabel("Actual");
        plot.Title("Confusion matrix");
        var (width, height) = ((int)MatrixMargins.Horizontal + n * MatrixCell, (int)MatrixMargins.Vertical + n * MatrixCell);
        return WritePlotAsync(path, plot, MatrixMargins, width, height, cancellationToken);
    }

    /// <summary>One line of <see cref="WriteScoreCurveAsync"/>: a score's mean and standard deviation at each k.</summary>
    public sealed record ScoreCurve(string Name, IReadOnlyList<double> K, IReadOnlyList<double> Mean, IReadOnlyList<double> Std);

    public const int CurveWidth = 800, CurveHeight = 500;
    public static readonly PixelPadding CurveMargins = new(left: 80, right: 30, bottom: 60, top: 50);

    /// <summary>
    /// Tuning: each curve's mean score against k with ±std error bars, in its own class colour, and the best k circled in black.
    /// The axes are fixed so a reader (and a test) can place any point: x from the smallest k − 1 to the largest k + 1, y over
    /// every mean ± std widened by a tenth of that span on each side (at least 0.01).
    /// </summary>
    public static Task WriteScoreCurveAsync(string path, string scoreName, IReadOnlyList<ScoreCurve> curves, (double K, double Mean) best, CancellationToken cancellationToken)
    {
        var plot = new Plot();
        for (var i = 0; i < curves.Count; i++)
        {
            var curve = curves[i];
            var line = plot.Add.Scatter(curve.K.ToArray(), curve.Mean.ToArray(), Colour(i));
            (line.LineWidth, line.MarkerSize, line.MarkerShape, line.LegendText) = (2, 10, MarkerShape.FilledCircle, curve.Name);
            var bars = plot.Add.ErrorBar(curve.K.ToArray(), curve.Mean.ToArray(), curve.Std.ToArray());
            (bars.Color, bars.LineWidth, bars.CapSize) = (Colour(i), 2, 8);
        }
        var marker = plot.Add.Marker(best.K, best.Mean);
        (marker.MarkerShape, marker.MarkerSize, marker.MarkerLineColor, marker.MarkerLineWidth) = (MarkerShape.OpenCircle, 24, Colors.Black, 2);
        var ks = curves.SelectMany(c => c.K).ToArray();
        var (low, high) = (curves.SelectMany(c => c.Mean.Zip(c.Std, (m, s) => m - s)).Min(), curves.SelectMany(c => c.Mean.Zip(c.Std, (m, s) => m + s)).Max());
        var margin = Math.Max(0.01, (high - low) / 10);
        plot.Axes.SetLimits(ks.Min() - 1, ks.Max() + 1, low - margin, high + margin);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.XLabel("k");
        plot.YLabel($"{scoreName} (mean ± std over the folds)");
        plot.Title($"Cross-validated {scoreName} against k (best: k={best.K}, {best.Mean:0.0000})");
        if (curves.Count > 1) plot.ShowLegend(Alignment.LowerRight);
        else plot.HideLegend();
        return WritePlotAsync(path, plot, CurveMargins, CurveWidth, CurveHeight, cancellationToken);
    }

    /// <summary>One plot as the whole picture, its data area inside fixed margins so pixels can be placed from data values.</summary>
    static Task WritePlotAsync(string path, Plot plot, PixelPadding margins, int width, int height, CancellationToken cancellationToken)
    {
        plot.Layout.Fixed(margins);
        return WriteAsync(path, width, height, canvas => DrawCell(canvas, plot, 0, 0, width, height), cancellationToken);
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
    static void DrawCell(SKCanvas canvas, Plot plot, int x, int y, int width, int height)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
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
