using System.Buffers;
using KnnCli.Engine.Index;
using KnnCli.Engine.Reduction;

namespace KnnCli.Engine;

/// <summary>
/// A trained k-NN model: the index, one label per indexed vector, and the metadata that says how to predict.
/// Thread-safe for concurrent predictions.
/// </summary>
public sealed class KnnModel
{
    public KnnModel(IKnnIndex index, float[] labels, ModelMetadata metadata, IVectorTransform? reduction = null)
    {
        if (labels.Length != index.Count)
            throw new ArgumentException($"The index holds {index.Count} vectors but {labels.Length} labels were given.", nameof(labels));
        if (metadata.K < 1)
            throw new ArgumentException($"k must be positive, got {metadata.K}.", nameof(metadata));
        if (reduction is not null && reduction.OutputDimension != index.Dimension)
            throw new ArgumentException($"The reduction outputs {reduction.OutputDimension} dimensions but the index holds {index.Dimension}.", nameof(reduction));
        Index = index;
        Labels = labels;
        Metadata = metadata;
        Reduction = reduction;
        _ = metadata.Predictor; // refuses an unknown predictor type now rather than at the first query
    }

    public IKnnIndex Index { get; }

    public float[] Labels { get; }

    public ModelMetadata Metadata { get; }

    public IVectorTransform? Reduction { get; }

    /// <summary>Features a query row must have.</summary>
    public int FeatureDimension => Reduction?.InputDimension ?? Index.Dimension;

    /// <summary>Neighbours each prediction uses: k, or fewer when the index holds fewer vectors.</summary>
    public int EffectiveK => Math.Min(Metadata.K, Index.Count);

    /// <summary>Builds ahead what the first large batch of predictions needs (see <see cref="IKnnIndex.PrepareBatchSearch"/>).</summary>
    public void PrepareBatchSearch() => Index.PrepareBatchSearch();

    /// <summary>
    /// Predicts each row of <paramref name="rows"/> (row-major, <see cref="FeatureDimension"/> features).
    /// When <paramref name="neighborDistances"/> and <paramref name="neighborLabels"/> are not empty they receive
    /// <see cref="EffectiveK"/> entries per row, nearest first (verbose responses). <paramref name="parameters"/>
    /// override the index's search defaults (such as nprobe) for this call only.
    /// </summary>
    public void Predict(ReadOnlySpan<float> rows, Span<float> predictions, Span<float> neighborDistances = default, Span<float> neighborLabels = default,
        SearchParameters? parameters = null)
    {
        var rowCount = rows.Length / FeatureDimension;
        if (rows.Length != rowCount * FeatureDimension)
            throw new ArgumentException($"Rows must have {FeatureDimension} features each.", nameof(rows));
        if (predictions.Length < rowCount)
            throw new ArgumentException("The predictions buffer is smaller than the row count.", nameof(predictions));
        var k = EffectiveK;
        if (k == 0) throw new InvalidOperationException("The model's index is empty.");

        var prepared = PrepareQueries(rows, rowCount);
        var distances = ArrayPool<float>.Shared.Rent(rowCount * k);
        var ids = ArrayPool<int>.Shared.Rent(rowCount * k);
        try
        {
            Index.Search(prepared is null ? rows : prepared.AsSpan(0, rowCount * Index.Dimension), k, distances, ids, parameters);
            var classifier = Metadata.Predictor == PredictorType.Classifier;
            var neighbourLabels = k <= 256 ? stackalloc float[k] : new float[k];
            for (var r = 0; r < rowCount; r++)
            {
                var found = 0;
                for (var j = 0; j < k; j++)
                {
                    var id = ids[r * k + j];
                    if (id < 0) break;
                    neighbourLabels[found++] = Labels[id];
                }
                var labels = neighbourLabels[..found];
                predictions[r] = classifier ? MajorityVote(labels) : Mean(labels);
                if (!neighborDistances.IsEmpty)
                {
                    distances.AsSpan(r * k, k).CopyTo(neighborDistances.Slice(r * k, k));
                    labels.CopyTo(neighborLabels.Slice(r * k, k));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(distances);
            ArrayPool<int>.Shared.Return(ids);
            if (prepared is not null) ArrayPool<float>.Shared.Return(prepared);
        }
    }

    /// <summary>
    /// The most frequent label; a tie goes to the smallest label, as scipy.stats.mode and scikit-learn decide it
    /// (SageMaker does not document its tie-break). Sorts a copy and counts runs: O(k log k), for k up to 1024.
    /// </summary>
    public static float MajorityVote(ReadOnlySpan<float> labels)
    {
        if (labels.IsEmpty) return float.NaN;
        var sorted = labels.Length <= 256 ? stackalloc float[labels.Length] : new float[labels.Length];
        labels.CopyTo(sorted);
        sorted.Sort();
        var best = sorted[0];
        var bestCount = 0;
        for (var start = 0; start < sorted.Length;)
        {
            var end = start + 1;
            while (end < sorted.Length && sorted[end] == sorted[start]) end++;
            if (end - start > bestCount)
            {
                best = sorted[start];
                bestCount = end - start;
            }
            start = end;
        }
        return best;
    }

    private static float Mean(ReadOnlySpan<float> labels)
    {
        if (labels.IsEmpty) return float.NaN;
        double sum = 0;
        foreach (var label in labels) sum += label;
        return (float)(sum / labels.Length);
    }

    /// <summary>
    /// Queries as the index sees them: reduced, then normalised for COSINE, as the builder treated the indexed
    /// vectors. Null when the rows can be searched as they are; otherwise a pooled buffer the caller returns.
    /// </summary>
    private float[]? PrepareQueries(ReadOnlySpan<float> rows, int rowCount)
    {
        if (!Metadata.Normalize && Reduction is null) return null;
        var dimension = Index.Dimension;
        var prepared = ArrayPool<float>.Shared.Rent(rowCount * dimension);
        var span = prepared.AsSpan(0, rowCount * dimension);
        if (Reduction is null) rows.CopyTo(span);
        else Reduction.Apply(rows, span);
        if (Metadata.Normalize) VectorMath.NormalizeRows(span, dimension);
        return prepared;
    }
}
