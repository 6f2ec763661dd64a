using System.Globalization;
using KnnCli.Core.Targets;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace KnnCli.Output;

/// <summary>
/// The one Spectre.Console progress display a verb draws on stderr (Spectre allows one live display at a time), shared
/// by its bars and spinners: started by the first, stopped when the last is disposed, so each step's line stays on
/// screen with its final count and elapsed time, and lines printed meanwhile appear above the display.
/// </summary>
internal sealed class LiveProgress(KnnConsole console, TimeProvider clock) : IDisposable
{
    private static readonly TimeSpan QuickStep = TimeSpan.FromSeconds(1);
    private readonly Lock _gate = new();
    private ProgressContext? _context;
    private Task? _display;
    private TaskCompletionSource? _finish;
    private int _active;

    public IProgressReporter Add(string label, long total, ProgressUnit unit)
    {
        lock (_gate)
        {
            _context ??= Start();
            var task = _context.AddTask(Markup.Escape(label), maxValue: Math.Max(total, 1));
            task.IsIndeterminate = total <= 0;
            task.Tag = new Count(unit, total);
            _active++;
            return new Reporter(this, task, label);
        }
    }

    /// <summary>Stops the display if a reporter was left undisposed, so the cursor Spectre hides is shown again.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_context is not null) Stop();
        }
    }

    private ProgressContext Start()
    {
        var ready = new TaskCompletionSource<ProgressContext>(TaskCreationOptions.RunContinuationsAsynchronously);
        _finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = _finish.Task;
        var progress = new Progress(console.Ansi, clock) { AutoClear = false, HideCompleted = false }.Columns(
            new SpinnerColumn(),
            new TaskDescriptionColumn { Alignment = Justify.Left },
            new ProgressBarColumn(),
            new CountColumn(),
            new ElapsedTimeColumn());
        _display = progress.StartAsync(context =>
        {
            ready.SetResult(context);
            return finish;
        });
        return ready.Task.GetAwaiter().GetResult();
    }

    private void Remove(ProgressTask task)
    {
        lock (_gate)
        {
            // A step done within a second leaves no line behind (the log lines already say what it did).
            if (task.ElapsedTime < QuickStep) _context?.RemoveTask(task);
            // A finished wait shows a full bar rather than a pulse that has stopped.
            if (task.IsIndeterminate)
            {
                task.IsIndeterminate = false;
                task.Value = task.MaxValue;
            }
            task.StopTask();
            if (--_active == 0) Stop();
        }
    }

    private void Stop()
    {
        _finish!.TrySetResult();
        // The last refresh draws every task's final state; later lines start below it.
        _display!.GetAwaiter().GetResult();
        _context = null;
        _display = null;
        _active = 0;
    }

    private sealed class Reporter(LiveProgress owner, ProgressTask task, string label) : IProgressReporter
    {
        private int _disposed;

        public void Report(long completed)
        {
            ((Count)task.Tag!).Completed = completed;
            if (!task.IsIndeterminate) task.Value = Math.Min(completed, task.MaxValue);
        }

        public void Describe(string status) => task.Description = Markup.Escape($"{label}: {status}");

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Remove(task);
        }
    }

    /// <summary>What a task has counted, in its unit; the task's own value is clamped to its maximum.</summary>
    private sealed class Count(ProgressUnit unit, long total)
    {
        private long _completed;

        public long Completed
        {
            get => Interlocked.Read(ref _completed);
            set => Interlocked.Exchange(ref _completed, value);
        }

        public override string ToString()
        {
            var completed = Completed;
            if (total <= 0) return completed == 0 && unit == ProgressUnit.Items ? "" : Format(completed, unit, withUnit: true);
            var percent = (100.0 * Math.Min(completed, total) / total).ToString("0", CultureInfo.InvariantCulture);
            return $"{percent,3}% {Format(completed, unit, withUnit: unit == ProgressUnit.Bytes)}/{Format(total, unit, withUnit: true)}";
        }
    }

    /// <summary>"12,345 rows", "3.2 MiB", "7".</summary>
    internal static string Format(long value, ProgressUnit unit, bool withUnit)
    {
        if (unit == ProgressUnit.Bytes) return Bytes(value);
        var number = value.ToString("N0", CultureInfo.InvariantCulture);
        return withUnit && unit == ProgressUnit.Rows ? $"{number} rows" : number;
    }

    private static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var index = 0;
        while (value >= 1024 && index < units.Length - 1)
        {
            value /= 1024;
            index++;
        }
        return index == 0 ? $"{bytes} B" : $"{value.ToString("0.0", CultureInfo.InvariantCulture)} {units[index]}";
    }

    /// <summary>The count beside the bar: percentage and done/total in the task's unit, or the count alone when the total is unknown.</summary>
    private sealed class CountColumn : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Tag?.ToString() ?? "", new Style(Color.Grey));
    }
}
