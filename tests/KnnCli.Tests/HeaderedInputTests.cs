using System.Text.Json;

namespace KnnCli.Tests;

/// <summary>predict and transform read the CSV files people have: a header, columns in any order, the label anywhere, class names.</summary>
public sealed class HeaderedInputTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-headered-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private async Task PrepareAndTrainAsync()
    {
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "prepare")).ExitCode);
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "train")).ExitCode);
    }

    [Fact]
    public async Task Transform_reads_rs_iris_csv_by_its_header_and_names_the_classes_in_csv_output()
    {
        await PrepareAndTrainAsync();
        var iris = Path.Combine(AppContext.BaseDirectory, "iris.csv");
        var output = Path.Combine(_directory, "predictions.csv");

        var run = await KnnProcess.RunAsync(_directory, "transform", "--input", iris, "--output", output);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("Read 150 rows of", run.Error);
        Assert.Contains("by its header: label Species, features Sepal.Length, Sepal.Width, Petal.Length, Petal.Width", run.Error);

        var json = await KnnProcess.RunAsync(_directory, "transform", "--input", iris, "--output", output, "--json");
        Assert.True(json.ExitCode == 0, json.Error);
        var result = JsonDocument.Parse(json.Output).RootElement;
        Assert.Equal(150, result.GetProperty("rows").GetInt64());
        // Every row scored against its named class: 149 of 150 with k=1 on 112 training rows.
        Assert.Equal(149 / 150.0, result.GetProperty("accuracy").GetDouble(), 12);
        var lines = File.ReadAllLines(output);
        Assert.Equal(150, lines.Length);
        Assert.Equal("setosa", lines[0]);
        Assert.Equal("virginica", lines[^1]);
    }

    [Fact]
    public async Task Predict_takes_columns_in_any_order_and_the_label_by_name_and_names_the_classes_in_json()
    {
        await PrepareAndTrainAsync();
        Assert.Equal(0, (await KnnProcess.RunAsync(_directory, "deploy")).ExitCode);
        try
        {
            var input = Write("shuffled.csv",
                "kind,Petal.Width,Petal.Length,Sepal.Width,Sepal.Length",
                "setosa,0.2,1.4,3.5,5.1",
                "virginica,2.3,5.2,3.0,6.7");

            var run = await KnnProcess.RunAsync(_directory, "predict", "--input", input, "--label", "kind", "--json");

            Assert.True(run.ExitCode == 0, run.Error);
            var rows = JsonDocument.Parse(run.Output).RootElement.GetProperty("rows");
            Assert.Equal(["setosa", "virginica"], rows.EnumerateArray().Select(r => r.GetProperty("predicted_class").GetString()));
            Assert.Equal(["setosa", "virginica"], rows.EnumerateArray().Select(r => r.GetProperty("label_class").GetString()));
            // The features went in the prepared order, whatever the file's.
            Assert.Equal([5.1f, 3.5f, 1.4f, 0.2f], rows[0].GetProperty("features").EnumerateArray().Select(f => f.GetSingle()));
            Assert.Equal(1.0, JsonDocument.Parse(run.Output).RootElement.GetProperty("accuracy").GetDouble());
        }
        finally
        {
            await KnnProcess.RunAsync(_directory, "cleanup");
        }
    }

    [Fact]
    public async Task A_class_the_model_does_not_know_or_a_label_with_no_header_is_one_line_naming_the_file_line_and_column()
    {
        await PrepareAndTrainAsync();
        var output = Path.Combine(_directory, "out.csv");

        var unknown = await KnnProcess.RunAsync(_directory, "transform", "--input",
            Write("roses.csv", "Sepal.Length,Sepal.Width,Petal.Length,Petal.Width,Species", "5.1,3.5,1.4,0.2,setosa", "5.1,3.5,1.4,0.2,rose"), "--output", output);
        Assert.Equal(2, unknown.ExitCode);
        Assert.EndsWith("roses.csv:3: column 'Species': 'rose' is not one of the model's classes (setosa, versicolor, virginica)", unknown.Error.Trim());

        var noHeader = await KnnProcess.RunAsync(_directory, "transform", "--input", Write("plain.csv", "5.1,3.5,1.4,0.2"), "--output", output, "--label", "Species");
        Assert.Equal(2, noHeader.ExitCode);
        Assert.Contains("--label Species: ", noHeader.Error);
        Assert.Contains("plain.csv has no header row to name it; pass --header if its first row names the columns.", noHeader.Error);

        var tooFew = await KnnProcess.RunAsync(_directory, "transform", "--input", Write("two.csv", "a,b", "1,2"), "--output", output);
        Assert.Equal(2, tooFew.ExitCode);
        Assert.EndsWith("two.csv:1: the header names 2 feature column(s) (a, b); the model takes 4", tooFew.Error.Trim());
        Assert.False(File.Exists(output));
    }
}
