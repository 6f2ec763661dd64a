using System.Globalization;
using System.Text;
using KnnCli.Core.Settings;
using KnnCli.Core.Targets;
using KnnCli.Targets.Local;

namespace KnnCli.Tests;

/// <summary>The local trainer scores its test channel with a progress bar counting rows scored of the channel's total.</summary>
public sealed class LocalTrainingProgressTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-train-progress-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Scoring_reports_rows_scored_of_the_test_total_in_several_steps_and_scores_every_row()
    {
        // 20,000 test rows: more than one scoring block, so the bar moves before it is full.
        const int testRows = 20_000;
        var log = new BarLog();
        await using var target = new LocalTarget(new CommonSettings { WorkingDirectory = _directory }, log);
        var result = await LocalTrainingRuns.TrainAsync(target, new StoreUri(LocalTarget.DefaultBucket, "progress"),
            WriteCsv("train.csv", 300), WriteCsv("test.csv", testRows), sampleSize: 300, log);

        Assert.Equal(TrainingStatus.Completed, result.Status);
        // Each row's label is its class's centre, so k = 1 gets every one right: all 20,000 rows were scored.
        Assert.Equal(1.0, Assert.Single(result.Metrics, m => m.Name == "test:accuracy").Value);
        var bar = Assert.Single(log.Bars, b => b.Label == "score test channel");
        Assert.Equal(testRows, bar.Total);
        Assert.Equal(ProgressUnit.Rows, bar.Unit);
        Assert.True(bar.Reports.Count > 1, $"the bar moved {bar.Reports.Count} time(s)");
        Assert.Equal(bar.Reports.Order(), bar.Reports);
        Assert.Equal(testRows, bar.Reports[^1]);
    }

    /// <summary>Three classes around (0,0), (10,10) and (20,20), label first.</summary>
    private string WriteCsv(string name, int rows)
    {
        var text = new StringBuilder();
        for (var i = 0; i < rows; i++)
        {
            var label = i % 3;
            var offset = (i % 7) / 10.0;
            text.Append(CultureInfo.InvariantCulture, $"{label},{label * 10 + offset},{label * 10 - offset}\n");
        }
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text.ToString());
        return path;
    }

    private sealed record Bar(string Label, long Total, ProgressUnit Unit, List<long> Reports);

    /// <summary>Keeps every progress bar with its reports.</summary>
    private sealed class BarLog : IWorkflowLog
    {
        public List<Bar> Bars { get; } = [];

        public void Info(string message) { }

        public void Verbose(string message) { }

        public void Warn(string message) { }

        public void Log(string line) { }

        public IProgressReporter Progress(string label, long total) => Progress(label, total, ProgressUnit.Items);

        public IProgressReporter Progress(string label, long total, ProgressUnit unit)
        {
            var bar = new Bar(label, total, unit, []);
            lock (Bars) Bars.Add(bar);
            return new Reporter(bar);
        }

        private sealed class Reporter(Bar bar) : IProgressReporter
        {
            public void Report(long completed)
            {
                lock (bar.Reports) bar.Reports.Add(completed);
            }

            public void Dispose() { }
        }
    }
}
