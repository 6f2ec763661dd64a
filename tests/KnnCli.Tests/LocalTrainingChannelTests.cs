using System.Globalization;
using System.Text;
using KnnCli.Core.Settings;
using KnnCli.Core.Targets;
using KnnCli.Targets.Local;

namespace KnnCli.Tests;

/// <summary>
/// The local trainer reads its test channel beside the train channel; whichever is bad, the job fails with that
/// channel's reason, records Failed, and writes no model.
/// </summary>
public sealed class LocalTrainingChannelTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-train-channels-").FullName;
    private readonly StoreUri _prefix = new(LocalTarget.DefaultBucket, "channels");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Good_channels_score_every_test_row()
    {
        await using var target = NewTarget();
        var result = await TrainAsync(target, Rows(500, features: 2), Rows(4_000, features: 2));
        Assert.Equal(TrainingStatus.Completed, result.Status);
        Assert.Equal(1.0, Assert.Single(result.Metrics, m => m.Name == "test:accuracy").Value);
    }

    [Fact]
    public async Task Test_rows_with_another_feature_count_fail_the_job_naming_both_counts()
    {
        await using var target = NewTarget();
        var result = await TrainAsync(target, Rows(500, features: 2), Rows(100, features: 3));
        Assert.Equal(TrainingStatus.Failed, result.Status);
        Assert.Contains("test.csv", result.FailureReason);
        Assert.Contains("test rows have 3 features, the train rows 2", result.FailureReason);
        await AssertNoModelAsync(target);
    }

    [Fact]
    public async Task Test_rows_whose_feature_count_changes_part_way_fail_the_job()
    {
        // The change comes 3,000 rows in, several mini-batches after the first.
        await using var target = NewTarget();
        var result = await TrainAsync(target, Rows(500, features: 2), Rows(3_000, features: 2) + Rows(10, features: 4));
        Assert.Equal(TrainingStatus.Failed, result.Status);
        Assert.StartsWith("s3://knn-local/channels/test/test.csv:3001:", result.FailureReason);
        Assert.Contains("the row has 5 columns, expected 3", result.FailureReason);
        await AssertNoModelAsync(target);
    }

    [Fact]
    public async Task A_bad_field_in_the_test_channel_names_its_file_and_line()
    {
        await using var target = NewTarget();
        var result = await TrainAsync(target, Rows(500, features: 2), Rows(50, features: 2) + "1,2.5,oops\n");
        Assert.Equal(TrainingStatus.Failed, result.Status);
        Assert.Contains("test/test.csv:51:", result.FailureReason);
        await AssertNoModelAsync(target);
    }

    [Fact]
    public async Task A_bad_train_channel_is_the_reason_even_while_a_large_test_channel_is_still_being_read()
    {
        await using var target = NewTarget();
        var result = await TrainAsync(target, "0,1.0,oops\n" + Rows(100, features: 2), Rows(200_000, features: 2));
        Assert.Equal(TrainingStatus.Failed, result.Status);
        Assert.Contains("train/train.csv:1:", result.FailureReason);
        Assert.DoesNotContain("test.csv", result.FailureReason);
        await AssertNoModelAsync(target);
    }

    private LocalTarget NewTarget() => new(new CommonSettings { WorkingDirectory = _directory }, new NullLog());

    private Task<TrainingResult> TrainAsync(LocalTarget target, string train, string test) =>
        LocalTrainingRuns.TrainAsync(target, _prefix, Write("train.csv", train), Write("test.csv", test), sampleSize: 500, new NullLog());

    private async Task AssertNoModelAsync(LocalTarget target) =>
        Assert.Empty(await target.Store.ListAsync(_prefix.Append("output/"), CancellationToken.None));

    /// <summary>Three classes around (0,…), (10,…) and (20,…), label first.</summary>
    private static string Rows(int rows, int features)
    {
        var text = new StringBuilder();
        for (var i = 0; i < rows; i++)
        {
            var label = i % 3;
            text.Append(label);
            for (var f = 0; f < features; f++) text.Append(CultureInfo.InvariantCulture, $",{label * 10 + (i + f) % 7 / 10.0}");
            text.Append('\n');
        }
        return text.ToString();
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private sealed class NullLog : IWorkflowLog
    {
        public void Info(string message) { }

        public void Verbose(string message) { }

        public void Warn(string message) { }

        public void Log(string line) { }

        public IProgressReporter Progress(string label, long total) => new NoReports();

        private sealed class NoReports : IProgressReporter
        {
            public void Report(long completed) { }

            public void Dispose() { }
        }
    }
}
