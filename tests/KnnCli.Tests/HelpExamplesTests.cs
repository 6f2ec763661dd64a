using System.CommandLine;

namespace KnnCli.Tests;

/// <summary>Every verb's --help ends with an Examples: section of whole `knn VERB …` lines (issue 10, item 8).</summary>
public sealed class HelpExamplesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-help-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Each command below the root, as the words that name it: ["train"], ["model", "inspect"] …</summary>
    private static IEnumerable<string[]> Verbs(Command command, string[] path) =>
        command.Subcommands.SelectMany(c => Verbs(c, [.. path, c.Name]).Prepend([.. path, c.Name]));

    [Fact]
    public async Task Every_verbs_help_ends_with_examples_that_start_with_knn_and_the_verb()
    {
        var verbs = Verbs(KnnApp.Build(new KnnServices()), []).ToList();
        Assert.Contains(verbs, v => v.SequenceEqual(["model", "inspect"]));
        Assert.Contains(verbs, v => v.SequenceEqual(["config"]));
        Assert.Contains(verbs, v => v.SequenceEqual(["completion"]));
        var knn = new InProcessKnn(_directory, new Dictionary<string, string>());
        foreach (var verb in verbs)
        {
            var name = string.Join(' ', verb);
            Assert.Equal(0, await knn.RunAsync([.. verb, "--help"]));
            var lines = knn.Output.Split('\n').Select(l => l.Trim()).ToList();
            var examples = lines.IndexOf("Examples:");
            Assert.True(examples > 0, $"knn {name} --help has no Examples: section:\n{knn.Output}");
            // The section comes last: after the options, nothing but example lines.
            var after = lines.Skip(examples + 1).Where(l => l.Length > 0).ToList();
            Assert.NotEmpty(after);
            Assert.All(after, l => Assert.StartsWith($"knn {name}", l));
            Assert.True(lines.IndexOf("Options:") < examples, $"knn {name} --help: the examples do not follow the options");
        }
    }

    [Fact]
    public async Task The_roots_help_has_examples_too_and_help_still_exits_0_through_the_real_executable()
    {
        var result = await KnnProcess.RunAsync(_directory, "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Examples:", result.Output);
        Assert.Contains("  knn run", result.Output);
        var train = await KnnProcess.RunAsync(_directory, "train", "--help");
        Assert.Equal(0, train.ExitCode);
        Assert.Contains("  knn train --k 5", train.Output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_directory));
    }
}
