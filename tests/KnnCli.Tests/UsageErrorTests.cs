using KnnCli.Core.Errors;

namespace KnnCli.Tests;

/// <summary>
/// Command-line mistakes exit 2 with one line on stderr in the user's words, the nearest verb or option, and a
/// pointer to --help instead of the whole help (issue 9, item 2). In process: parsing needs no executable.
/// </summary>
public sealed class UsageErrorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-usage-").FullName;

    [Theory]
    [InlineData("", "knn needs a verb: prepare, upload, train", "knn --help")]
    [InlineData("trian", "unknown verb 'trian' (did you mean train?)", "knn --help")]
    [InlineData("train --kk 3", "unknown option --kk for knn train (did you mean --k?)", "knn train --help")]
    [InlineData("prepare --test-fraction abc", "--test-fraction abc: expected a number", "knn prepare --help")]
    [InlineData("prepare --seed 1.5", "--seed 1.5: expected a whole number", "knn prepare --help")]
    [InlineData("serve --port eighty", "--port eighty: expected a whole number", "knn serve --help")]
    [InlineData("prepare --input", "--input: expected a value", "knn prepare --help")]
    [InlineData("model inspect", "knn model inspect needs the <model> argument", "knn model inspect --help")]
    [InlineData("model", "knn model needs one of: inspect, set, pull", "knn model --help")]
    [InlineData("model inpsect m.tar.gz", "unknown verb 'inpsect' (did you mean inspect?)", "knn model --help")]
    [InlineData("status --regoin us-east-1", "unknown option --regoin for knn status (did you mean --region?)", "knn status --help")]
    [InlineData("cleanup extra", "unexpected argument 'extra' for knn cleanup", "knn cleanup --help")]
    public async Task A_usage_error_is_one_line_on_stderr_with_exit_2(string commandLine, string problem, string help)
    {
        var (exit, output, error) = await RunAsync(commandLine);

        Assert.Equal(ExitCodes.UsageOrInput, exit);
        Assert.Equal("", output);
        var line = FailureLineTests.AssertOneErrorLine(error);
        Assert.Contains(problem, line);
        Assert.EndsWith($"(see '{help}')", line);
        Assert.DoesNotContain("System.", line);
        Assert.DoesNotContain("Description:", error);
        Assert.False(Directory.Exists(Path.Combine(_directory, ".knn")), "a usage error must run nothing");
    }

    [Fact]
    public async Task A_long_bad_value_is_quoted_as_an_excerpt()
    {
        var (exit, _, error) = await RunAsync($"prepare --test-fraction {new string('9', 10_000)}x");

        Assert.Equal(ExitCodes.UsageOrInput, exit);
        Assert.True(error.Length < 300, $"{error.Length} characters on stderr");
    }

    [Fact]
    public async Task Help_still_works_beside_a_mistake()
    {
        var (exit, output, _) = await RunAsync("train --kk 3 --help");

        Assert.Equal(0, exit);
        Assert.Contains("--k <k>", output);
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(string commandLine)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var services = new KnnServices { Output = output, Error = error, WorkingDirectory = _directory, Interactive = false, Environment = _ => null };
        var exit = await KnnApp.RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries), services);
        return (exit, output.ToString(), error.ToString());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
