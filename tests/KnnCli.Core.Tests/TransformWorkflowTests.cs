using System.Globalization;
using System.Text.Json;
using KnnCli.Core.Errors;
using KnnCli.Core.Settings;
using KnnCli.Core.Workflow;
using KnnCli.Engine;
using KnnCli.Engine.ModelFiles;
using KnnCli.Engine.Training;

namespace KnnCli.Core.Tests;

public sealed class TransformWorkflowTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-transform-").FullName;

    private TransformWorkflow Workflow() =>
        new(new WorkflowContext(new CommonSettings { WorkingDirectory = _directory }, new NoTargets(), new RecordingLog()));

    /// <summary>A real model.tar.gz over the points 0..9 on a line: x &lt; 5 is class 0, the rest class 1.</summary>
    private async Task<string> WriteModelAsync(string predictorType = "classifier", int k = 1)
    {
        var hp = KnnHyperparameters.Parse(new Dictionary<string, string> { ["k"] = $"{k}", ["sample_size"] = "100", ["predictor_type"] = predictorType });
        var model = KnnModelBuilder.Build([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1], 1, hp);
        var path = Path.Combine(_directory, "model.tar.gz");
        await using var file = File.Create(path);
        await ModelArtifact.WriteAsync(file, model, CancellationToken.None);
        return path;
    }

    private string Write(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public async Task Feature_rows_stream_through_in_batches_into_json_lines_in_input_order()
    {
        var model = await WriteModelAsync();
        var rows = Enumerable.Range(0, 1234).Select(i => (i % 10 + 0.2).ToString(CultureInfo.InvariantCulture)).ToArray();
        var input = Write("rows.csv", rows);
        var output = Path.Combine(_directory, "out.jsonl");

        var result = await Workflow().RunAsync(new TransformOptions { Model = model, Input = input, Output = output, BatchSize = 100 }, CancellationToken.None);

        Assert.Equal(1234, result.Rows);
        Assert.Null(result.Accuracy);
        var lines = File.ReadAllLines(output);
        Assert.Equal(1234, lines.Length);
        for (var i = 0; i < lines.Length; i++)
            Assert.Equal(i % 10 < 5 ? 0.0 : 1.0, JsonDocument.Parse(lines[i]).RootElement.GetProperty("predicted_label").GetDouble());
        Assert.Equal("{\"predicted_label\":0.0}", lines[0]);
    }

    [Fact]
    public async Task Labelled_rows_are_scored_and_csv_output_holds_one_prediction_per_row()
    {
        var model = await WriteModelAsync();
        var input = Write("labelled.csv", ["0,1.1", "1,7.9", "0,6.2"]); // the last row is predicted 1: accuracy 2/3
        var output = Path.Combine(_directory, "out.csv");

        var result = await Workflow().RunAsync(new TransformOptions { Model = model, Input = input, Output = output }, CancellationToken.None);

        Assert.Equal(["0.0", "1.0", "1.0"], File.ReadAllLines(output));
        Assert.Equal(2 / 3.0, result.Accuracy!.Value, 12);
    }

    [Fact]
    public async Task Join_input_writes_each_row_as_read_followed_by_its_prediction_in_csv()
    {
        var model = await WriteModelAsync();
        var input = Write("labelled.csv", ["0, 1.10", "", "1,7.9\r", "0,6.2"]);
        var output = Path.Combine(_directory, "joined.csv");

        var result = await Workflow().RunAsync(new TransformOptions { Model = model, Input = input, Output = output, JoinInput = true, BatchSize = 2 }, CancellationToken.None);

        // The row's own text (spaces kept, the line break and blank line gone), then the prediction.
        Assert.Equal(["0, 1.10,0.0", "1,7.9,1.0", "0,6.2,1.0"], File.ReadAllLines(output));
        Assert.Equal(2 / 3.0, result.Accuracy!.Value, 12);
    }

    [Fact]
    public async Task Join_input_in_json_lines_puts_the_row_under_SageMakerInput_and_the_prediction_under_SageMakerOutput()
    {
        var model = await WriteModelAsync(k: 2);
        var output = Path.Combine(_directory, "joined.jsonl");

        await Workflow().RunAsync(new TransformOptions { Model = model, Input = Write("rows.csv", ["1,7.5", "0,2"]), Output = output, JoinInput = true, Neighbors = true }, CancellationToken.None);

        var lines = File.ReadAllLines(output);
        Assert.Equal("""{"SageMakerInput":[1.0,7.5],"SageMakerOutput":{"predicted_label":1.0,"distances":[0.25,0.25],"labels":[1.0,1.0]}}""", lines[0]);
        Assert.StartsWith("""{"SageMakerInput":[0.0,2.0],"SageMakerOutput":{"predicted_label":0.0,""", lines[1]);
    }

    [Fact]
    public async Task Verbose_output_carries_each_neighbours_distance_and_label()
    {
        var model = await WriteModelAsync("regressor", k: 2);
        var output = Path.Combine(_directory, "out.jsonl");
        var result = await Workflow().RunAsync(new TransformOptions { Model = model, Input = Write("rows.csv", ["4.6"]), Output = output, Neighbors = true }, CancellationToken.None);

        var line = JsonDocument.Parse(File.ReadAllLines(output).Single()).RootElement;
        Assert.Equal(0.5, line.GetProperty("predicted_label").GetDouble()); // mean of labels 1 (x=5) and 0 (x=4)
        Assert.Equal([1.0, 0.0], line.GetProperty("labels").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(0.16, line.GetProperty("distances")[0].GetDouble(), 5);
        Assert.Equal("regressor", result.PredictorType);
    }

    [Fact]
    public async Task Wrong_inputs_are_one_line_input_errors_and_write_nothing()
    {
        var model = await WriteModelAsync();
        var rows = Write("rows.csv", ["1,2,3"]);
        var output = Path.Combine(_directory, "out.csv");
        var wrongWidth = await Assert.ThrowsAsync<InputException>(() => Workflow().RunAsync(new TransformOptions { Model = model, Input = rows, Output = output }, CancellationToken.None));
        Assert.EndsWith("rows.csv:1: the row has 3 columns; the model takes 1 features (or 2 with a label first)", wrongWidth.Message);
        await Assert.ThrowsAsync<InputException>(() => Workflow().RunAsync(new TransformOptions { Model = model, Input = rows, Output = Path.Combine(_directory, "out.txt") }, CancellationToken.None));
        var notAModel = Write("model.txt", ["not a model"]);
        await Assert.ThrowsAsync<InputException>(() => Workflow().RunAsync(new TransformOptions { Model = notAModel, Input = Write("ok.csv", ["1"]), Output = output }, CancellationToken.None));
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("out.jsonl", false, false)]
    [InlineData("out.jsonl", true, false)]
    [InlineData("out.jsonl", false, true)]
    [InlineData("out.csv", false, true)]
    public async Task Many_pipelined_batches_write_the_same_bytes_as_one_batch_of_the_whole_file(string name, bool neighbors, bool joinInput)
    {
        var model = await WriteModelAsync(k: 3);
        // Labelled rows (scored too), 2,500 of them: 40 batches of 64, the next parsed while one is searched.
        var input = Write("labelled.csv", Enumerable.Range(0, 2500).Select(i => $"{(i % 10 < 5 ? 0 : 1)},{(i % 10 + i % 7 / 10.0).ToString(CultureInfo.InvariantCulture)}"));
        var streamed = Path.Combine(_directory, "streamed-" + name);
        var whole = Path.Combine(_directory, "whole-" + name);

        var small = await Workflow().RunAsync(new TransformOptions { Model = model, Input = input, Output = streamed, BatchSize = 64, Neighbors = neighbors, JoinInput = joinInput }, CancellationToken.None);
        var one = await Workflow().RunAsync(new TransformOptions { Model = model, Input = input, Output = whole, BatchSize = 100_000, Neighbors = neighbors, JoinInput = joinInput }, CancellationToken.None);

        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(streamed));
        Assert.Equal(2500, small.Rows);
        Assert.Equal(one.Accuracy, small.Accuracy);
        Assert.Equal(2500, File.ReadAllLines(streamed).Length);
    }

    [Fact]
    public async Task A_bad_row_in_a_later_batch_is_its_line_s_input_error_and_writes_nothing()
    {
        var model = await WriteModelAsync();
        var input = Write("rows.csv", Enumerable.Range(0, 300).Select(i => i == 250 ? "x" : "1.5"));
        var output = Path.Combine(_directory, "out.jsonl");

        var error = await Assert.ThrowsAsync<InputException>(() => Workflow().RunAsync(new TransformOptions { Model = model, Input = input, Output = output, BatchSize = 16 }, CancellationToken.None));

        Assert.Contains("rows.csv:251", error.Message);
        Assert.False(File.Exists(output));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
