using System.Globalization;

namespace KnnCli.Benchmarks;

/// <summary>A label-first, header-less numeric CSV loaded whole: the data the peers script writes.</summary>
internal sealed record LabelledCsv(float[] Features, float[] Labels, int Dimension)
{
    public int Rows => Labels.Length;

    public static LabelledCsv Load(string path)
    {
        var features = new List<float>();
        var labels = new List<float>();
        var dimension = -1;
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0) continue;
            var span = line.AsSpan();
            var columns = 0;
            foreach (var range in span.Split(','))
            {
                var value = float.Parse(span[range], NumberStyles.Float, CultureInfo.InvariantCulture);
                if (columns++ == 0) labels.Add(value);
                else features.Add(value);
            }
            if (dimension < 0) dimension = columns - 1;
            else if (columns - 1 != dimension) throw new InvalidDataException($"{path}: row {labels.Count} has {columns - 1} features, expected {dimension}.");
        }
        return new LabelledCsv(features.ToArray(), labels.ToArray(), dimension);
    }
}
