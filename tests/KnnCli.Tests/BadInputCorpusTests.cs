using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace KnnCli.Tests;

/// <summary>
/// A prepared, trained and deployed folder (local target) and a `knn serve` of its model, shared by every corpus row.
/// The corpus (tests/corpus) is copied in, and the files too large to commit are made here.
/// </summary>
public sealed class CorpusFolder : IAsyncLifetime
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("knn-corpus-").FullName;

    /// <summary>Where outputs of the inputs that are fine go, outside the folder so its snapshot stays put.</summary>
    public string Outputs { get; } = System.IO.Directory.CreateTempSubdirectory("knn-corpus-out-").FullName;

    public string ServeUrl { get; private set; } = "";

    private Process? _serve;

    public async Task InitializeAsync()
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "corpus")))
            File.Copy(file, Path.Combine(Directory, Path.GetFileName(file)));
        Generate();
        foreach (var args in new[] { new[] { "prepare" }, ["upload"], ["train"], ["deploy"], ["model", "pull", "--output", "model.tar.gz"] })
        {
            var run = await KnnProcess.RunAsync(Directory, args);
            Assert.True(run.ExitCode == 0, $"knn {string.Join(' ', args)}: {run.Error}");
        }
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Directory };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "knn.dll"), "serve", "--model", "model.tar.gz", "--port", "0" }) start.ArgumentList.Add(arg);
        _serve = Process.Start(start)!;
        // serve names the model it loaded first, then the address it listens on.
        string? line;
        do line = await _serve.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException(await _serve.StandardError.ReadToEndAsync());
        while (!line.StartsWith("Listening on ", StringComparison.Ordinal));
        ServeUrl = line["Listening on ".Length..].Trim();
    }

    /// <summary>The corpus entries too big to commit: a 5 MB cell and lines of a million fields or 65 MB.</summary>
    private void Generate()
    {
        var cell = new string('x', 5 << 20);
        File.WriteAllText(Path.Combine(Directory, "prepare-huge-cell.csv"), $"a,b,c,d,Species\n5.1,3.5,1.4,0.2,setosa\n4.9,{cell},1.4,0.2,setosa\n");
        File.WriteAllText(Path.Combine(Directory, "prepare-huge-line.csv"),
            $"a,b,c,d,Species\n5.1,3.5,1.4,0.2,setosa\n{string.Join(',', Enumerable.Repeat("1.5", 1_000_000))},setosa\n");
        File.WriteAllText(Path.Combine(Directory, "rows-huge-cell.csv"), $"5.1,3.5,1.4,0.2\n6.7,3.0,{cell},2.3\n");
        using var line = File.Create(Path.Combine(Directory, "rows-huge-line.csv"));
        var chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("1.5,", 1 << 18)));
        for (var written = 0L; written <= 65L << 20; written += chunk.Length) line.Write(chunk);
    }

    public async Task DisposeAsync()
    {
        if (_serve is { HasExited: false })
        {
            _serve.Kill();
            await _serve.WaitForExitAsync();
        }
        _serve?.Dispose();
        await KnnProcess.RunAsync(Directory, "cleanup");
        System.IO.Directory.Delete(Directory, recursive: true);
        System.IO.Directory.Delete(Outputs, recursive: true);
    }
}

/// <summary>
/// Bad inputs for prepare, predict, transform and serve (issue 9, item 12), one row each in tests/corpus/manifest.tsv:
/// a refused file gives exactly the listed line (exit 2; serve: the listed status and body), creates nothing and
/// leaves the folder and its state byte for byte as they were; a file that is in fact fine (a BOM, CRLF, UTF-16,
/// an R row-name column …) gives the same result as the clean file it names.
/// </summary>
public sealed class BadInputCorpusTests(CorpusFolder folder) : IClassFixture<CorpusFolder>
{
    private static readonly HttpClient Http = new();

    public static TheoryData<string, string, string, string> Manifest()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "corpus", "manifest.tsv")))
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var fields = line.Split('\t');
            data.Add(fields[0], fields[1], fields[2], fields[3]);
        }
        return data;
    }

    [Fact]
    public void The_corpus_holds_at_least_forty_files_and_the_manifest_names_each()
    {
        var files = System.IO.Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "corpus")).Select(f => Path.GetFileName(f)!).Where(f => f != "manifest.tsv").ToList();
        var named = Manifest().Select(row => (string)row[1]).ToHashSet();
        Assert.True(files.Count >= 40, $"{files.Count} files");
        Assert.All(files, f => Assert.Contains(f, named));
        Assert.All(named, f => Assert.True(files.Contains(f) || f.Contains("-huge-", StringComparison.Ordinal), $"the manifest names {f}, which is neither committed nor generated"));
    }

    [Theory]
    [MemberData(nameof(Manifest))]
    public async Task A_corpus_file_gives_its_listed_outcome(string verb, string file, string extra, string expected)
    {
        if (verb == "serve")
        {
            await AssertServeAsync(file, expected);
            return;
        }
        if (expected.StartsWith("same as ", StringComparison.Ordinal))
        {
            var clean = expected["same as ".Length..];
            Assert.Equal(await FineOutputAsync(verb, clean, extra), await FineOutputAsync(verb, file, extra));
            return;
        }

        var before = Snapshot();
        var run = await KnnProcess.RunAsync(folder.Directory, [.. Arguments(verb, file, Path.Combine(folder.Outputs, $"{file}.out.jsonl")), .. Split(extra), "--quiet"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(expected, run.Error.TrimEnd('\n'));
        Assert.Empty(run.Output);
        Assert.Equal(before, Snapshot());
        Assert.False(File.Exists(Path.Combine(folder.Outputs, $"{file}.out.jsonl")), "transform left an output behind");
        Assert.Empty(System.IO.Directory.EnumerateFiles(folder.Outputs, "*.tmp", SearchOption.AllDirectories));
    }

    private static string[] Split(string extra) => extra.Length == 0 ? [] : extra.Split(' ');

    private static string[] Arguments(string verb, string file, string output) => verb switch
    {
        "prepare" => ["prepare", "--input", file],
        "predict" => ["predict", "--input", file, "--json"],
        "transform" => ["transform", "--model", "model.tar.gz", "--input", file, "--output", output],
        _ => throw new ArgumentOutOfRangeException(nameof(verb)),
    };

    /// <summary>
    /// What a fine input gives: prepare's train and test CSVs (in a folder of their own), predict's JSON, transform's
    /// output file; the rows, not the file's name, decide it.
    /// </summary>
    private async Task<string> FineOutputAsync(string verb, string file, string extra)
    {
        if (verb == "prepare")
        {
            var own = System.IO.Directory.CreateTempSubdirectory("knn-corpus-fine-").FullName;
            try
            {
                File.Copy(Path.Combine(folder.Directory, file), Path.Combine(own, "input.csv"));
                var prepare = await KnnProcess.RunAsync(own, ["prepare", "--input", "input.csv", .. Split(extra)]);
                Assert.True(prepare.ExitCode == 0, $"{file}: {prepare.Error}");
                var data = Path.Combine(own, ".knn", "data");
                return await File.ReadAllTextAsync(Path.Combine(data, "input_train.csv")) + "|" + await File.ReadAllTextAsync(Path.Combine(data, "input_test.csv"));
            }
            finally
            {
                System.IO.Directory.Delete(own, recursive: true);
            }
        }
        var output = Path.Combine(folder.Outputs, $"{file}.fine.jsonl");
        var run = await KnnProcess.RunAsync(folder.Directory, [.. Arguments(verb, file, output), .. Split(extra)]);
        Assert.True(run.ExitCode == 0, $"knn {verb} {file}: {run.Error}");
        return verb == "transform" ? await File.ReadAllTextAsync(output) : run.Output.Replace(file, "FILE", StringComparison.Ordinal);
    }

    /// <summary>The file's bytes as one text/csv request: "STATUS BODY" as listed, or the same answer as the clean file.</summary>
    private async Task AssertServeAsync(string file, string expected)
    {
        async Task<string> Answer(string name)
        {
            using var content = new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(folder.Directory, name)));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
            // Expect: 100-continue, as the AWS SDKs send large bodies: a server refusing the declared length (413)
            // answers before the body, rather than closing a connection the client is still writing to.
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{folder.ServeUrl}/invocations") { Content = content };
            request.Headers.ExpectContinue = true;
            using var response = await Http.SendAsync(request);
            return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}".TrimEnd('\n');
        }
        var answer = await Answer(file);
        if (expected.StartsWith("same as ", StringComparison.Ordinal)) Assert.Equal(await Answer(expected["same as ".Length..]), answer);
        else Assert.Equal(expected, answer);
    }

    /// <summary>
    /// Every file under the folder but the endpoint's request log: those under .knn/ (state, data, store, endpoints)
    /// with a hash of their bytes, the corpus beside them (read only, some of it large) with their lengths.
    /// </summary>
    private SortedDictionary<string, string> Snapshot() => new(System.IO.Directory.EnumerateFiles(folder.Directory, "*", SearchOption.AllDirectories)
        .Where(f => !f.EndsWith(".log", StringComparison.Ordinal))
        .ToDictionary(f => Path.GetRelativePath(folder.Directory, f), f => Path.GetRelativePath(folder.Directory, f).StartsWith(".knn", StringComparison.Ordinal)
            ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))
            : new FileInfo(f).Length.ToString(System.Globalization.CultureInfo.InvariantCulture)), StringComparer.Ordinal);
}
