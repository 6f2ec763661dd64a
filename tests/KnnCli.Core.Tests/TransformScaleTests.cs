using System.Text;
using KnnCli.Core.Data;
using KnnCli.Core.Settings;
using KnnCli.Core.Targets;
using KnnCli.Core.Workflow;
using KnnCli.Engine;
using KnnCli.Engine.ModelFiles;
using KnnCli.Engine.Training;

namespace KnnCli.Core.Tests;

/// <summary>Alone, so the heap it samples is its own.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryBoundCollection
{
    public const string Name = "memory-bound";
}

/// <summary>Joining and reading back a transform's output streams: millions of rows pass through a heap that does not grow with them.</summary>
[Collection(MemoryBoundCollection.Name)]
public sealed class TransformScaleTests : IDisposable
{
    private const int Rows = 2_000_000;
    private const long HeapBound = 48 << 20;
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-transform-scale-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Two_million_rows_are_joined_with_their_predictions_in_a_bounded_heap()
    {
        var model = await WriteModelAsync();
        var input = await WriteLinesAsync("rows.csv", i => $"{i % 2},{(i % 2 == 0 ? 1 : 8)}.{i % 10}");
        var output = Path.Combine(_directory, "joined.csv");
        var workflow = new TransformWorkflow(new WorkflowContext(new CommonSettings { WorkingDirectory = _directory }, new NoTargets(), new RecordingLog()));

        var (result, peak) = await WithPeakHeapAsync(() => workflow.RunAsync(new TransformOptions { Model = model, Input = input, Output = output, JoinInput = true }, CancellationToken.None));

        Assert.Equal(Rows, result.Rows);
        Assert.Equal(1.0, result.Accuracy);
        Assert.True(peak < HeapBound, $"the heap reached {peak:N0} bytes for {Rows:N0} rows ({new FileInfo(input).Length:N0} bytes of input)");
        using var lines = new StreamReader(output);
        Assert.Equal("0,1.0,0.0", await lines.ReadLineAsync());
        Assert.Equal("1,8.1,1.0", await lines.ReadLineAsync());
        Assert.Equal(Rows, 2 + File.ReadLines(output).Skip(2).LongCount());
    }

    [Fact]
    public async Task Two_million_lines_of_a_jobs_joined_output_are_read_back_in_a_bounded_heap()
    {
        var path = await WriteLinesAsync("rows.csv.out", i => "{\"SageMakerInput\":[" + (i % 2) + "," + i + "],\"SageMakerOutput\":{\"predicted_label\":" + (i % 2) + ".0}}");
        var batch = new NumericBatch([], [], 10_000, 1);

        var (wrong, peak) = await WithPeakHeapAsync(async () =>
        {
            await using var predictions = new JobPredictions(new StoreUri("bucket", "out/rows.csv.out"), File.OpenRead(path));
            var mismatches = 0L;
            for (var done = 0; done < Rows; done += batch.RowCount)
            {
                var next = await predictions.NextAsync(batch, CancellationToken.None);
                for (var r = 0; r < next.Length; r++)
                    if (next[r].Value != (done + r) % 2 || next[r].Label != $"{(done + r) % 2}.0") mismatches++;
            }
            await predictions.EndAsync(Rows, CancellationToken.None);
            return mismatches;
        });

        Assert.Equal(0, wrong);
        Assert.True(peak < HeapBound, $"the heap reached {peak:N0} bytes reading {Rows:N0} lines ({new FileInfo(path).Length:N0} bytes)");
    }

    /// <summary>Runs <paramref name="work"/> while sampling the managed heap; returns its result and the largest heap seen.</summary>
    private static async Task<(T Result, long Peak)> WithPeakHeapAsync<T>(Func<Task<T>> work)
    {
        GC.Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var peak = 0L;
        using var done = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false) - baseline);
                await Task.Delay(5);
            }
        });
        var result = await work();
        await done.CancelAsync();
        await sampler;
        return (result, peak);
    }

    private async Task<string> WriteLinesAsync(string name, Func<int, string> line)
    {
        var path = Path.Combine(_directory, name);
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        for (var i = 0; i < Rows; i++) await writer.WriteLineAsync(line(i));
        return path;
    }

    /// <summary>A real model.tar.gz: points near 1 are class 0, near 8 class 1.</summary>
    private async Task<string> WriteModelAsync()
    {
        var hp = KnnHyperparameters.Parse(new Dictionary<string, string> { ["k"] = "1", ["sample_size"] = "100", ["predictor_type"] = "classifier" });
        var model = KnnModelBuilder.Build([1, 1.5f, 8, 8.5f], [0, 0, 1, 1], 1, hp);
        var path = Path.Combine(_directory, "model.tar.gz");
        await using var file = File.Create(path);
        await ModelArtifact.WriteAsync(file, model, CancellationToken.None);
        return path;
    }
}
