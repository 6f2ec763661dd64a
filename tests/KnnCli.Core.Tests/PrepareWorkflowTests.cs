using System.Text.Json;
using KnnCli.Core.Errors;
using KnnCli.Core.Settings;
using KnnCli.Core.Workflow;

namespace KnnCli.Core.Tests;

public sealed class PrepareWorkflowTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-prepare-").FullName;

    private PrepareWorkflow Workflow() =>
        new(new WorkflowContext(new CommonSettings { WorkingDirectory = _directory }, new NoTargets(), new RecordingLog()));

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Bundled_iris_is_split_label_first_like_the_notebook()
    {
        var result = await Workflow().RunAsync(new PrepareOptions(), CancellationToken.None);

        Assert.Equal(112, result.TrainRows);
        Assert.Equal(38, result.TestRows);
        Assert.Equal(["setosa", "versicolor", "virginica"], result.Classes);
        Assert.Equal(["Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width"], result.FeatureColumns);
        var test = File.ReadAllLines(result.TestFile);
        // Row 114 of R's iris (0-based) is 5.8,2.8,5.1,2.4,virginica; pandas writes 2.8 and 3.0 with their decimals.
        Assert.Equal("2,5.8,2.8,5.1,2.4", test[0]);
        Assert.Equal("1,6.0,2.2,4.0,1.0", test[1]); // row 62
        Assert.Equal(38, test.Length);
        Assert.Equal(112, File.ReadAllLines(result.TrainFile).Length);
        var map = JsonDocument.Parse(File.ReadAllText(result.LabelMapFile!));
        Assert.Equal("Species", map.RootElement.GetProperty("label_column").GetString());
        var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, ".knn", "state.json")));
        Assert.Equal(result.TrainFile, state.RootElement.GetProperty("prepared").GetProperty("train_file").GetString());
    }

    [Fact]
    public async Task Label_column_is_chosen_by_name_and_moved_first_and_numeric_labels_are_kept()
    {
        var input = Write("houses.csv", "rooms,price,area\n3,250000,80.5\n4,310000,95\n2,180000,60\n5,400000,120\n");
        var result = await Workflow().RunAsync(new PrepareOptions { Input = input, Label = "price", TestFraction = 0.25 }, CancellationToken.None);

        Assert.Null(result.LabelMapFile);
        Assert.Equal(["rooms", "area"], result.FeatureColumns);
        var rows = File.ReadAllLines(result.TrainFile).Concat(File.ReadAllLines(result.TestFile)).Order().ToArray();
        Assert.Equal(["180000,2.0,60.0", "250000,3.0,80.5", "310000,4.0,95.0", "400000,5.0,120.0"], rows);
    }

    [Theory]
    [InlineData("missing-label.csv", "a,b\n1,2\n", "--label", "missing-label.csv:1: column 'Species': no such column; the columns are a, b")]
    [InlineData("ragged.csv", "a,b,Species\n1,2,x\n3,4\n", null, "ragged.csv:3: the row has 2 fields, the header has 3")]
    [InlineData("text.csv", "a,b,Species\n1,2,x\n3,abc,y\n", null, "text.csv:3: column 'b': 'abc' is not a number")]
    [InlineData("empty.csv", "", null, "empty.csv: the file is empty (no header row)")]
    [InlineData("header-only.csv", "a,b,Species\n", null, "header-only.csv: the file has a header but no data rows")]
    [InlineData("infinite.csv", "a,b,Species\n1,Infinity,x\n", null, "infinite.csv:2: column 'b': 'Infinity' is not a finite number")]
    public async Task Bad_input_names_file_line_and_column_and_writes_nothing(string name, string content, string? labelFlag, string expected)
    {
        var input = Write(name, content);
        var options = new PrepareOptions { Input = input, Label = labelFlag is null ? null : "Species" };

        var error = await Assert.ThrowsAsync<InputException>(() => Workflow().RunAsync(options, CancellationToken.None));

        Assert.StartsWith(input.Replace(name, ""), error.Message);
        Assert.EndsWith(expected, error.Message);
        Assert.Equal(ExitCodes.UsageOrInput, error.ExitCode);
        Assert.False(Directory.Exists(Path.Combine(_directory, ".knn")), "prepare wrote something for bad input");
    }

    [Fact]
    public async Task A_missing_file_is_an_input_error()
    {
        var error = await Assert.ThrowsAsync<InputException>(() => Workflow().RunAsync(new PrepareOptions { Input = Path.Combine(_directory, "nope.csv") }, CancellationToken.None));
        Assert.Contains("nope.csv: no such file", error.Message);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
