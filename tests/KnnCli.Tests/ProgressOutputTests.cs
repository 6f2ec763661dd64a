using KnnCli.Core.Targets;
using KnnCli.Output;
using Spectre.Console;
using Spectre.Console.Testing;

namespace KnnCli.Tests;

/// <summary>Progress through the real ConsoleLog and Spectre's progress display, rendered on Spectre's TestConsole.</summary>
public sealed class ProgressOutputTests
{
    /// <summary>A clock the test moves by hand, so elapsed times are known.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }

    private static TestConsole Terminal() => new TestConsole().Colors(ColorSystem.TrueColor).EmitAnsiSequences().Interactive().Width(120);

    [Fact]
    public void An_upload_bar_shows_bytes_with_units_percentage_and_elapsed_time()
    {
        var terminal = Terminal();
        var clock = new ManualClock();
        using (var log = new ConsoleLog(new KnnConsole(terminal), quiet: false, verbose: false, clock))
        using (var progress = log.Progress("upload iris_train.csv", 3 * 1024 * 1024, ProgressUnit.Bytes))
        {
            progress.Report(1536 * 1024);
            progress.Report(3 * 1024 * 1024);
            clock.Advance(TimeSpan.FromSeconds(2));
        }

        var text = Strip(terminal.Output);
        Assert.Contains("upload iris_train.csv", text);
        Assert.Contains("100% 3.0 MiB/3.0 MiB", text);
        Assert.Contains("00:00:02", text);
        Assert.Contains("\u001b[", terminal.Output);
    }

    [Fact]
    public void A_wait_is_a_spinner_with_the_latest_status_and_lines_logged_meanwhile_are_kept()
    {
        var terminal = Terminal();
        var clock = new ManualClock();
        using (var log = new ConsoleLog(new KnnConsole(terminal), quiet: false, verbose: false, clock))
        {
            using var wait = log.Wait("training knn-1");
            wait.Describe("InProgress (Starting)");
            log.Log("[algo-1] Training index...");
            wait.Describe("InProgress (Training)");
            clock.Advance(TimeSpan.FromSeconds(75));
        }

        var text = Strip(terminal.Output);
        Assert.Contains("training knn-1: InProgress (Training)", text);
        Assert.Contains("00:01:15", text);
        Assert.Contains("[algo-1] Training index...", text);
    }

    [Fact]
    public void Rows_are_counted_with_their_unit_when_the_total_is_unknown()
    {
        var terminal = Terminal();
        var clock = new ManualClock();
        using (var log = new ConsoleLog(new KnnConsole(terminal), quiet: false, verbose: false, clock))
        using (var progress = log.Progress("prepare big", 0, ProgressUnit.Rows))
        {
            progress.Report(123_456);
            clock.Advance(TimeSpan.FromSeconds(3));
        }

        Assert.Contains("123,456 rows", Strip(terminal.Output));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void No_progress_is_drawn_when_redirected_or_quiet(bool interactive, bool quiet)
    {
        var writer = new StringWriter();
        var console = KnnConsole.Create(writer, isTerminal: interactive, _ => null);
        using (var log = new ConsoleLog(console, quiet, verbose: false))
        using (var progress = log.Progress("upload x.csv", 100, ProgressUnit.Bytes))
        {
            progress.Report(50);
            progress.Describe("halfway");
        }

        Assert.Equal("", writer.ToString());
    }

    [Fact]
    public void A_step_done_within_a_second_leaves_no_line_in_the_final_frame()
    {
        var terminal = Terminal();
        var clock = new ManualClock();
        using (var log = new ConsoleLog(new KnnConsole(terminal), quiet: false, verbose: false, clock))
        {
            using (var quick = log.Progress("quick step", 10, ProgressUnit.Items)) quick.Report(10);
            using var slow = log.Progress("slow step", 10, ProgressUnit.Items);
            slow.Report(10);
            clock.Advance(TimeSpan.FromSeconds(5));
        }

        // Spectre draws a final frame of every task when a display stops: the quick step's is gone, the slow one's stays.
        var text = Strip(terminal.Output);
        Assert.DoesNotContain("quick step", text);
        Assert.Contains("slow step", text);
        Assert.Contains("100% 10/10", text);
    }

    /// <summary>The text with its ANSI escape sequences removed.</summary>
    private static string Strip(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\u001b(\[[0-9;?]*[A-Za-z]|\][^\u0007]*\u0007)", "");
}
