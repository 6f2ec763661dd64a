using System.Diagnostics;
using KnnCli.Core.Data;

namespace KnnCli.Benchmarks;

/// <summary>A label-first, header-less numeric CSV (what the peers script writes), read whole with the tool's own streaming reader.</summary>
internal sealed record LabelledCsv(float[] Features, float[] Labels, int Dimension, double ReadSeconds)
{
    public int Rows => Labels.Length;

    public static async Task<LabelledCsv> LoadAsync(string path, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await using var file = File.OpenRead(path);
        using var reader = new NumericCsvReader(file, path);
        var features = new List<float[]>();
        var labels = new List<float[]>();
        while (await reader.ReadBatchAsync(5000, cancellationToken) is { RowCount: > 0 } batch)
        {
            features.Add(batch.Features);
            labels.Add(batch.Labels);
        }
        var seconds = watch.Elapsed.TotalSeconds;
        return new LabelledCsv(Concat(features), Concat(labels), reader.FeatureCount ?? 0, seconds);
    }

    private static float[] Concat(List<float[]> parts)
    {
        var all = new float[parts.Sum(p => p.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(all, offset);
            offset += part.Length;
        }
        return all;
    }
}
