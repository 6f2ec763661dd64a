using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using KnnCli.Core.Data;

namespace KnnCli.Benchmarks;

/// <summary>
/// prepare's two kernels on 50,000 rows × 32 features of 4-decimal values with a class label (the shape of issue 11's
/// file, a quarter of its rows), in memory: parsing the CSV into doubles, and writing rows as pandas' to_csv does.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class PrepareBenchmarks
{
    private const int Rows = 50_000;
    private const int Features = 32;
    private byte[] _csv = [];
    private PreparedDataset _dataset = null!;
    private int[] _order = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var text = new StringBuilder(string.Join(',', Enumerable.Range(0, Features).Select(i => $"f{i}")) + ",kind\n");
        for (var r = 0; r < Rows; r++)
        {
            for (var f = 0; f < Features; f++) text.Append((random.NextDouble() * 6 - 3).ToString("F4", CultureInfo.InvariantCulture)).Append(',');
            text.Append("class_").Append(random.Next(10)).Append('\n');
        }
        _csv = Encoding.UTF8.GetBytes(text.ToString());
        _dataset = Parse();
        _order = Enumerable.Range(0, Rows).Reverse().ToArray();
    }

    /// <summary>CsvHelper's reader, every cell checked and parsed into a double, the labels encoded.</summary>
    [Benchmark]
    public PreparedDataset Parse() => DatasetPreprocessor.Load(new MemoryStream(_csv, writable: false), "bench.csv", "kind", null, CancellationToken.None);

    /// <summary>Every row formatted (Python's repr of each value) on all cores, in chunks, into a stream.</summary>
    [Benchmark]
    public Task Format() => _dataset.WriteCsvAsync(Stream.Null, _order, CancellationToken.None);
}
