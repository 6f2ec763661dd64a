using System.Text;
using KnnCli.Core.Data;

namespace KnnCli.Core.Tests;

/// <summary>Measures allocations, so it runs alone: other tests' allocations would be counted with its own.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCollection
{
    public const string Name = "allocation";
}

[Collection(AllocationCollection.Name)]
public sealed class CsvSharderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("knn-shard-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Millions_of_rows_split_round_robin_in_memory_that_does_not_grow_with_the_file()
    {
        const int parts = 4;
        var small = WriteRows("small.csv", 50_000);
        var large = WriteRows("large.csv", 3_000_000);
        Assert.True(new FileInfo(large).Length > 50_000_000, "the large file should be tens of megabytes");

        var (smallRows, smallAllocated) = await SplitMeasuredAsync(small, "small", parts);
        var (largeRows, largeAllocated) = await SplitMeasuredAsync(large, "large", parts);

        Assert.Equal([12_500, 12_500, 12_500, 12_500], smallRows);
        Assert.Equal([750_000, 750_000, 750_000, 750_000], largeRows);
        // One read buffer (1 MB) and a 64 KB buffer per part, allocated once; nothing per row. What grows is only the
        // file I/O's own few hundred bytes per 64 KB read or written: under 1% of the bytes that pass through.
        var moreBytes = new FileInfo(large).Length - new FileInfo(small).Length;
        Assert.True(largeAllocated < 2 << 20, $"splitting 3,000,000 rows allocated {largeAllocated:N0} bytes");
        Assert.True(largeAllocated - smallAllocated < moreBytes / 100, $"3,000,000 rows allocated {largeAllocated:N0} bytes, 50,000 rows {smallAllocated:N0}");
        AssertInterleavingRestores(large, Enumerable.Range(0, parts).Select(i => PartPath("large", i)).ToArray());
    }

    [Fact]
    public async Task Odd_lines_are_kept_byte_for_byte_and_blank_lines_dropped()
    {
        var longLine = "7," + string.Join(',', Enumerable.Repeat("1.5", 800_000)); // 3.2 MB: longer than the read buffer
        var input = Encoding.UTF8.GetBytes("\uFEFF0,1,2\r\n\r\n1,3,4\n   \n" + longLine + "\n2,5,6\n3,7,8");
        var parts = new[] { new MemoryStream(), new MemoryStream(), new MemoryStream() };

        var rows = await CsvSharder.SplitAsync(new MemoryStream(input), parts, "odd.csv", null, CancellationToken.None);

        Assert.Equal([2, 2, 1], rows);
        Assert.Equal("0,1,2\r\n2,5,6\n", Encoding.UTF8.GetString(parts[0].ToArray()));
        Assert.Equal("1,3,4\n3,7,8\n", Encoding.UTF8.GetString(parts[1].ToArray()));
        Assert.Equal(longLine + "\n", Encoding.UTF8.GetString(parts[2].ToArray()));
    }

    [Fact]
    public async Task An_empty_file_gives_empty_parts()
    {
        var parts = new[] { new MemoryStream(), new MemoryStream() };
        var rows = await CsvSharder.SplitAsync(new MemoryStream(), parts, "empty.csv", null, CancellationToken.None);
        Assert.Equal([0, 0], rows);
        Assert.All(parts, p => Assert.Equal(0, p.Length));
    }

    private async Task<(long[] Rows, long Allocated)> SplitMeasuredAsync(string input, string name, int parts)
    {
        var streams = Enumerable.Range(0, parts).Select(i => new FileStream(PartPath(name, i), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1)).ToArray();
        await using var source = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var rows = await CsvSharder.SplitAsync(source, streams, input, null, CancellationToken.None);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        foreach (var stream in streams) await stream.DisposeAsync();
        return (rows, allocated);
    }

    private string PartPath(string name, int index) => Path.Combine(_folder, $"{name}-part-{index}.csv");

    private string WriteRows(string name, int rows)
    {
        var path = Path.Combine(_folder, name);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        for (var i = 0; i < rows; i++)
            writer.Write($"{i % 10},{i * 0.5},{i % 7},{i % 1013 / 8.0},{-i}\n");
        return path;
    }

    /// <summary>Reading one line from each part in turn gives back the input, line for line.</summary>
    private static void AssertInterleavingRestores(string input, string[] parts)
    {
        using var original = new StreamReader(input);
        var readers = parts.Select(p => new StreamReader(p)).ToArray();
        try
        {
            var row = 0L;
            while (original.ReadLine() is { } expected)
            {
                var actual = readers[row % parts.Length].ReadLine();
                if (actual != expected) Assert.Fail($"row {row}: part {row % parts.Length} holds '{actual}', the input '{expected}'");
                row++;
            }
            Assert.All(readers, r => Assert.Null(r.ReadLine()));
        }
        finally
        {
            foreach (var reader in readers) reader.Dispose();
        }
    }
}
