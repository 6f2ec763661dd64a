using System.Text;
using System.Text.Json;

namespace KnnCli.Tests;

/// <summary>prepare --json summarises the split instead of listing every test row.</summary>
public sealed class PrepareJsonTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-prepare-json-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task The_split_is_summarised_by_seed_first_rows_and_class_counts()
    {
        var run = await KnnProcess.RunAsync(_directory, "prepare", "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        var result = JsonDocument.Parse(run.Output).RootElement;
        Assert.False(result.TryGetProperty("test_row_indexes", out _));
        Assert.Equal(0, result.GetProperty("seed").GetInt64());
        Assert.Equal(0.25, result.GetProperty("test_fraction").GetDouble());
        // train_test_split(range(150), test_size=0.25, random_state=0)[1][:10]
        Assert.Equal([114, 62, 33, 107, 7, 100, 40, 86, 76, 71], result.GetProperty("first_test_row_indexes").EnumerateArray().Select(i => i.GetInt32()));
        var counts = result.GetProperty("class_counts").EnumerateArray().ToArray();
        Assert.Equal(["setosa", "versicolor", "virginica"], counts.Select(c => c.GetProperty("class").GetString()));
        Assert.Equal(112, counts.Sum(c => c.GetProperty("train").GetInt32()));
        Assert.Equal(38, counts.Sum(c => c.GetProperty("test").GetInt32()));
        Assert.Equal(50, counts[0].GetProperty("train").GetInt32() + counts[0].GetProperty("test").GetInt32());
    }

    [Fact]
    public async Task The_document_does_not_grow_with_the_file()
    {
        var csv = new StringBuilder("x,y,label\n");
        for (var i = 0; i < 50_000; i++) csv.Append(i % 97).Append(',').Append(i % 13).Append(',').Append(i % 2 == 0 ? "even" : "odd").Append('\n');
        var input = Path.Combine(_directory, "big.csv");
        await File.WriteAllTextAsync(input, csv.ToString());

        var run = await KnnProcess.RunAsync(_directory, "prepare", "--input", input, "--label", "label", "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.True(run.Output.Length < 2048, $"prepare --json on 50,000 rows printed {run.Output.Length:N0} characters");
        Assert.Equal(12_500, JsonDocument.Parse(run.Output).RootElement.GetProperty("test_rows").GetInt32());
    }
}
