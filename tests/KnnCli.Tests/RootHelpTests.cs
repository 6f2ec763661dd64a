using System.CommandLine;
using System.CommandLine.Help;
using KnnCli.Commands;

namespace KnnCli.Tests;

/// <summary>`knn --help` is written without the command tree, and says exactly what the tree's help says.</summary>
public sealed class RootHelpTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-root-help-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>What System.CommandLine's help (with our examples) writes for the whole tree at <paramref name="width"/>.</summary>
    private static string TreeHelp(int width)
    {
        var root = KnnApp.Build(new KnnServices());
        var help = (Examples.HelpWithExamples)root.Options.OfType<HelpOption>().Single().Action!;
        help.Help.MaxWidth = width;
        var output = new StringWriter();
        Assert.Equal(0, root.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = output }));
        return output.ToString();
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(200)]
    [InlineData(120)]
    [InlineData(80)]
    [InlineData(50)]
    [InlineData(30)]
    public void The_fast_help_equals_the_trees_help_at_every_width(int width)
    {
        var fast = new StringWriter();
        RootHelp.Write(fast, width);
        var expected = TreeHelp(width);
        // Narrower, the first column wraps too.
        if (width >= 80) Assert.Contains("  completion <bash|fish|pwsh|zsh>  ", expected);
        Assert.Equal(expected, fast.ToString());
    }

    [Fact]
    public void Every_verb_of_the_tree_is_in_the_catalog_in_the_same_order()
    {
        var root = KnnApp.Build(new KnnServices());
        Assert.Equal(root.Subcommands.Select(c => (c.Name, c.Description)), KnnApp.Verbs.Select(v => (v.Name, (string?)v.Description)));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-?")]
    public async Task Each_help_alias_prints_the_roots_help_and_exits_0(string alias)
    {
        var knn = new InProcessKnn(_directory, new Dictionary<string, string>());
        Assert.Equal(0, await knn.RunAsync(alias));
        Assert.Equal(TreeHelp(RootHelp.ConsoleWidth()), knn.Output);
        Assert.Empty(knn.Error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_directory));
    }

    [Fact]
    public async Task A_named_verb_built_alone_still_parses_its_options_and_rejects_a_typo_with_exit_2()
    {
        var knn = new InProcessKnn(_directory, new Dictionary<string, string>());
        Assert.Equal(2, await knn.RunAsync("train", "--kk", "5"));
        Assert.Contains("--kk", knn.Error);
        Assert.Equal(2, await knn.RunAsync("trian"));
        Assert.Contains("train", knn.Error);
    }
}
