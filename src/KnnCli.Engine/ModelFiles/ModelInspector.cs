using System.Text.Json.Serialization;

namespace KnnCli.Engine.ModelFiles;

/// <summary>How many indexed vectors carry one label.</summary>
public sealed record LabelCount(
    [property: JsonPropertyName("label")] float Label,
    [property: JsonPropertyName("count")] int Count);

/// <summary>What a model artifact holds, as `knn model inspect` reports it.</summary>
/// <param name="IndexType">The faiss class and its shape, e.g. "IndexIVFPQ (nlist 32, nprobe 5, M 8 × 8 bits)".</param>
/// <param name="FeatureDimension">Features a query row has (before any dimension reduction).</param>
/// <param name="IndexDimension">Dimension the index searches in (after reduction and padding).</param>
/// <param name="Metric">L2, INNER_PRODUCT or COSINE (inner product over normalised vectors).</param>
/// <param name="Labels">The most frequent labels (at most <see cref="ModelInspector.MaxHistogramLabels"/>), by label.</param>
public sealed record ModelSummary(
    [property: JsonPropertyName("index_type")] string IndexType,
    [property: JsonPropertyName("feature_dim")] int FeatureDimension,
    [property: JsonPropertyName("index_dim")] int IndexDimension,
    [property: JsonPropertyName("vectors")] int VectorCount,
    [property: JsonPropertyName("metric")] string Metric,
    [property: JsonPropertyName("k")] int K,
    [property: JsonPropertyName("predictor_type")] string PredictorType,
    [property: JsonPropertyName("dimension_reduction")] DimensionReductionInfo? DimensionReduction,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("distinct_labels")] int DistinctLabels,
    [property: JsonPropertyName("labels")] IReadOnlyList<LabelCount> Labels);

public static class ModelInspector
{
    /// <summary>A regressor can have a label per vector; the summary keeps the most frequent ones.</summary>
    public const int MaxHistogramLabels = 20;

    public static ModelSummary Summarize(ModelArtifactContent content)
    {
        var (index, labels, metadata) = content;
        var counts = labels.GroupBy(label => label).Select(group => new LabelCount(group.Key, group.Count())).ToList();
        var histogram = counts.OrderByDescending(c => c.Count).ThenBy(c => c.Label).Take(MaxHistogramLabels).OrderBy(c => c.Label).ToList();
        var searched = index is FaissPreTransformData pre ? pre.Index.Dimension : index.Dimension;
        var metric = metadata.Normalize ? KnnHyperparameters.MetricName(IndexMetric.Cosine) : KnnHyperparameters.MetricName(index.Metric);
        return new ModelSummary(index.Describe(), index.Dimension, searched, index.Count, metric, metadata.K, metadata.PredictorType,
            metadata.DimensionReduction, metadata.Version, counts.Count, histogram);
    }
}
