using System.CommandLine;

namespace KnnCli.Tests;

/// <summary>`knn --version` answers before the command tree is built, with what System.CommandLine's version option prints.</summary>
public sealed class VersionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-version-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task The_executable_prints_the_informational_version_and_exits_0_writing_nothing()
    {
        var result = await KnnProcess.RunAsync(_directory, "--version");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(KnnApp.Version + "\n", result.Output);
        Assert.Matches(@"^\d+\.\d+\.\d+(\+[0-9a-f]+)?$", KnnApp.Version);
        Assert.Empty(result.Error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_directory));
    }

    [Fact]
    public async Task The_shortcut_prints_what_the_version_option_of_the_command_tree_prints()
    {
        // The tree's own --version, reached by parsing (the shortcut only takes `--version` alone).
        var root = KnnApp.Build(new KnnServices());
        var fromTree = new StringWriter();
        Assert.Equal(0, await root.Parse(["--version"]).InvokeAsync(new InvocationConfiguration { Output = fromTree }));
        var knn = new InProcessKnn(_directory, new Dictionary<string, string>());
        Assert.Equal(0, await knn.RunAsync("--version"));
        // In a test the entry assembly is the test host, so compare shapes: one line, a version, nothing else.
        Assert.Single(fromTree.ToString().TrimEnd('\n').Split('\n'));
        Assert.Equal(KnnApp.Version + Environment.NewLine, knn.Output);
    }
}
