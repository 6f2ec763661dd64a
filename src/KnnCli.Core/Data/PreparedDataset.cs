using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace KnnCli.Core.Data;

/// <summary>
/// The feature values of a data set, row after row, in blocks of rows: a large file grows it block by block, never
/// by copying what was read.
/// </summary>
public sealed class FeatureMatrix(int featureCount)
{
    private const int BlockRows = 4096;
    private readonly List<double[]> _blocks = [];

    public int FeatureCount { get; } = featureCount;
    public int RowCount { get; private set; }

    /// <summary>Room for one more row's values, to be filled in.</summary>
    public Span<double> AddRow()
    {
        var offset = RowCount % BlockRows;
        if (offset == 0) _blocks.Add(new double[BlockRows * FeatureCount]);
        RowCount++;
        return _blocks[^1].AsSpan(offset * FeatureCount, FeatureCount);
    }

    public ReadOnlySpan<double> Row(int row) => _blocks[row / BlockRows].AsSpan(row % BlockRows * FeatureCount, FeatureCount);
}

/// <summary>A loaded data set: the label column's text per row (class index or number) and the features as numbers.</summary>
public sealed class PreparedDataset
{
    /// <summary>Rows formatted per chunk: a chunk is formatted on one core, chunks on all of them.</summary>
    private const int RowsPerChunk = 2048;

    private readonly FeatureMatrix _features;
    private readonly List<int> _labelIds;
    private readonly byte[][] _labelTexts;
    private readonly int[]? _classOfLabel;
    private readonly int _maxRowLength;

    /// <param name="labelIds">Each row's label, as an index into <paramref name="labelTexts"/>.</param>
    /// <param name="labelTexts">How each distinct label is written ("2" for a class index, "250000" for a number).</param>
    internal PreparedDataset(string labelColumn, IReadOnlyList<string> featureColumns, LabelMap? labelMap,
        FeatureMatrix features, List<int> labelIds, IReadOnlyList<string> labelTexts)
    {
        LabelColumn = labelColumn;
        FeatureColumns = featureColumns;
        LabelMap = labelMap;
        _features = features;
        _labelIds = labelIds;
        _labelTexts = labelTexts.Select(Encoding.UTF8.GetBytes).ToArray();
        _classOfLabel = labelMap is null ? null : labelTexts.Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        _maxRowLength = _labelTexts.Max(t => t.Length) + features.FeatureCount * (PythonNumberFormat.MaxLength + 1) + 1;
    }

    public string LabelColumn { get; }
    public IReadOnlyList<string> FeatureColumns { get; }
    public LabelMap? LabelMap { get; }
    public int RowCount => _features.RowCount;

    /// <summary>The class index of a row; only for a data set with a label map.</summary>
    public int ClassOf(int row) => _classOfLabel![_labelIds[row]];

    /// <summary>
    /// Writes the rows, in the order given, as pandas' <c>to_csv(header=False, index=False)</c> does: the label, then
    /// each feature as Python's repr (5.8, 3.0, 1e-05), one row a line ending in \n, UTF-8.
    /// </summary>
    public async Task WriteCsvAsync(Stream destination, int[] rows, CancellationToken cancellationToken)
    {
        var chunks = (rows.Length + RowsPerChunk - 1) / RowsPerChunk;
        var buffers = Enumerable.Range(0, Environment.ProcessorCount * 2).Select(_ => new ArrayBufferWriter<byte>(1 << 20)).ToArray();
        for (var first = 0; first < chunks; first += buffers.Length)
        {
            var count = Math.Min(buffers.Length, chunks - first);
            var batch = first;
            Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
            {
                var start = (batch + i) * RowsPerChunk;
                buffers[i].ResetWrittenCount();
                Format(rows.AsSpan(start, Math.Min(RowsPerChunk, rows.Length - start)), buffers[i]);
            });
            for (var i = 0; i < count; i++) await destination.WriteAsync(buffers[i].WrittenMemory, cancellationToken);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from its first call: tiering would start it unoptimised
    private void Format(ReadOnlySpan<int> rows, ArrayBufferWriter<byte> output)
    {
        foreach (var row in rows)
        {
            var line = output.GetSpan(_maxRowLength);
            var label = _labelTexts[_labelIds[row]];
            label.CopyTo(line);
            var written = label.Length;
            foreach (var value in _features.Row(row))
            {
                line[written++] = (byte)',';
                written += PythonNumberFormat.FormatFinite(value, line[written..]);
            }
            line[written++] = (byte)'\n';
            output.Advance(written);
        }
    }
}
