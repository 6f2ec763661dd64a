using System.Text.Json;

namespace KnnCli.Tests;

/// <summary>Looking at a folder knn never ran in says what to do and creates nothing (issue 10, status in an empty folder).</summary>
public sealed class StatusEmptyFolderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-empty-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private List<string> Listing() => [.. Directory.EnumerateFileSystemEntries(_directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Status_prints_one_line_saying_what_to_do_exits_0_and_creates_nothing()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "iris.csv"), "5.1,3.5,1.4,0.2,setosa\n");
        var before = Listing();
        var result = await KnnProcess.RunAsync(_directory, "status");
        Assert.True(result.ExitCode == 0, result.Error);
        var line = Assert.Single(result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Nothing here yet", line);
        Assert.Contains("knn prepare", line);
        Assert.Equal(before, Listing());
        Assert.False(Directory.Exists(Path.Combine(_directory, ".knn")));
    }

    [Fact]
    public async Task Status_json_has_a_null_state_beside_the_usual_fields()
    {
        var result = await KnnProcess.RunAsync(_directory, "status", "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        var document = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal("local", document.GetProperty("target").GetString());
        Assert.Equal(JsonValueKind.Null, document.GetProperty("state").ValueKind);
        Assert.Equal(0, document.GetProperty("live").GetArrayLength());
        Assert.Empty(Listing());
    }

    [Fact]
    public async Task Status_without_a_state_file_still_names_what_knn_left_running_that_no_folder_recorded()
    {
        var run = await KnnProcess.RunAsync(_directory, "run", "--keep-endpoint", "--endpoint-name", "orphan");
        Assert.True(run.ExitCode == 0, run.Error);
        try
        {
            // The state lost (deleted, or another folder's endpoint): status must not hide the running endpoint.
            File.Delete(StateJson.PathIn(_directory));
            var result = await KnnProcess.RunAsync(_directory, "status");
            Assert.True(result.ExitCode == 0, result.Error);
            var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("Nothing here yet", lines[0]);
            Assert.Contains(lines, l => l.StartsWith("Not recorded in this folder: ", StringComparison.Ordinal) && l.Contains("orphan") && l.Contains("knn cleanup --all"));
        }
        finally
        {
            await KnnProcess.RunAsync(_directory, "cleanup", "--all", "--yes");
        }
    }

    [Theory]
    [InlineData(0, "config")]
    [InlineData(0, "cleanup")]
    [InlineData(2, "logs")]
    [InlineData(2, "wait")]
    public async Task Other_read_only_verbs_with_nothing_recorded_create_nothing(int exitCode, params string[] args)
    {
        var result = await KnnProcess.RunAsync(_directory, args);
        Assert.True(result.ExitCode == exitCode, $"{string.Join(' ', args)}: {result.ExitCode} {result.Error}");
        Assert.Empty(Listing());
    }
}
