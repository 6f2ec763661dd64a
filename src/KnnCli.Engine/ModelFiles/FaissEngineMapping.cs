using KnnCli.Engine.Index;
using KnnCli.Engine.Reduction;

namespace KnnCli.Engine.ModelFiles;

/// <summary>
/// Maps faiss index data to the engine's searchable indexes and back. Vector, code and id arrays are handed over,
/// not copied. The engine's zero-padding of IVFPQ vectors (to a multiple of M) is stored as faiss stores any
/// fixed linear map: a LinearTransform in an IndexPreTransform, [I; 0], which faiss applies to queries itself.
/// </summary>
public static class FaissEngineMapping
{
    /// <summary>A searchable model from an artifact's content.</summary>
    /// <exception cref="InvalidDataException">The artifact holds an index the engine cannot search.</exception>
    public static KnnModel ToModel(ModelArtifactContent content)
    {
        var (index, reduction) = ToEngine(content.Index);
        return new KnnModel(index, content.Labels, content.Metadata, reduction);
    }

    /// <exception cref="InvalidDataException">The engine has no index for <paramref name="data"/>.</exception>
    public static (IKnnIndex Index, IVectorTransform? Reduction) ToEngine(FaissIndexData data)
    {
        if (data is not FaissPreTransformData pre) return (ToEngineIndex(data, unpaddedDimension: null), null);

        var chain = pre.Chain.ToList();
        int? unpadded = null;
        if (pre.Index is FaissIvfPqData && chain.Count > 0 && IsZeroPadding(chain[^1]))
        {
            unpadded = chain[^1].InputDimension;
            chain.RemoveAt(chain.Count - 1);
        }
        var index = ToEngineIndex(pre.Index, unpadded);
        return (index, chain.Count == 0 ? null : ToEngineTransform(chain));
    }

    public static FaissIndexData ToFaiss(IKnnIndex index, IVectorTransform? reduction)
    {
        var chain = new List<FaissLinearTransformData>();
        if (reduction is not null)
        {
            if (reduction is not LinearTransform linear)
                throw new NotSupportedException($"Cannot serialize a {reduction.GetType().Name} dimension reduction.");
            chain.Add(new FaissLinearTransformData(linear.InputDimension, linear.OutputDimension, linear.Matrix, linear.Bias));
        }
        FaissIndexData inner = index switch
        {
            // FlatIndex exposes its vectors only as a span, so writing copies them once.
            FlatIndex flat => new FaissFlatData(flat.Dimension, flat.Metric, flat.Vectors.ToArray()),
            IvfFlatIndex ivf => new FaissIvfFlatData(ivf.Dimension, ivf.Metric, ivf.Nprobe, ivf.Centroids, [.. ivf.ListIds], [.. ivf.ListVectors]),
            IvfPqIndex pq => new FaissIvfPqData(pq.PaddedDimension, pq.Metric, pq.Nprobe, pq.Centroids, pq.ByResidual, pq.SubQuantizers,
                IvfPqIndex.BitsPerCode, pq.PqCodebooks, [.. pq.ListIds], [.. pq.ListCodes]),
            _ => throw new NotSupportedException($"Cannot serialize an index of type {index.GetType().Name}."),
        };
        if (index is IvfPqIndex { PaddedDimension: var padded, Dimension: var dimension } && padded > dimension)
            chain.Add(ZeroPadding(dimension, padded));
        return chain.Count == 0 ? inner : new FaissPreTransformData(chain, inner);
    }

    private static IKnnIndex ToEngineIndex(FaissIndexData data, int? unpaddedDimension) => data switch
    {
        FaissFlatData flat => new FlatIndex(flat.Dimension, flat.Metric, flat.Vectors),
        FaissIvfFlatData ivf => new IvfFlatIndex(ivf.Dimension, ivf.Metric, ivf.Centroids, ivf.ListIds, ivf.ListVectors, ivf.Nprobe),
        FaissIvfPqData { ByResidual: true, BitsPerCode: IvfPqIndex.BitsPerCode, Metric: IndexMetric.L2 } pq =>
            new IvfPqIndex(unpaddedDimension ?? pq.Dimension, pq.Dimension, pq.Centroids, pq.SubQuantizers, pq.PqCodebooks, pq.ListIds, pq.ListCodes, pq.Nprobe),
        FaissIvfPqData pq => throw new InvalidDataException(
            $"{ModelArtifact.IndexEntry} holds a faiss {pq.Describe()} with metric {KnnHyperparameters.MetricName(pq.Metric)}; " +
            "the local engine searches IVFPQ by residual, with 8-bit codes and L2, as SageMaker builds it."),
        _ => throw new InvalidDataException($"{ModelArtifact.IndexEntry} holds a faiss {data.Describe()}, which the local engine cannot search."),
    };

    /// <summary>One transform for the chain: y = An(…(A1 x + b1)…) + bn, multiplied out.</summary>
    private static LinearTransform ToEngineTransform(List<FaissLinearTransformData> chain)
    {
        var (input, output, matrix, bias) = chain[0];
        foreach (var next in chain.Skip(1))
        {
            var product = new float[next.OutputDimension * input];
            var shifted = next.Bias?.ToArray() ?? new float[next.OutputDimension];
            for (var i = 0; i < next.OutputDimension; i++)
            {
                for (var j = 0; j < output; j++)
                {
                    var weight = next.Matrix[i * output + j];
                    for (var c = 0; c < input; c++) product[i * input + c] += weight * matrix[j * input + c];
                    if (bias is not null) shifted[i] += weight * bias[j];
                }
            }
            (output, matrix, bias) = (next.OutputDimension, product, next.Bias is null && bias is null ? null : shifted);
        }
        return new LinearTransform(input, output, matrix, bias);
    }

    private static FaissLinearTransformData ZeroPadding(int dimension, int padded)
    {
        var matrix = new float[padded * dimension];
        for (var i = 0; i < dimension; i++) matrix[i * dimension + i] = 1;
        return new FaissLinearTransformData(dimension, padded, matrix, null);
    }

    /// <summary>Whether <paramref name="transform"/> copies its input and appends zeros ([I; 0], no bias).</summary>
    private static bool IsZeroPadding(FaissLinearTransformData transform)
    {
        if (transform.OutputDimension <= transform.InputDimension) return false;
        if (transform.Bias is { } bias && bias.Any(b => b != 0)) return false;
        for (var row = 0; row < transform.OutputDimension; row++)
        {
            for (var column = 0; column < transform.InputDimension; column++)
            {
                if (transform.Matrix[row * transform.InputDimension + column] != (row == column ? 1f : 0f)) return false;
            }
        }
        return true;
    }
}
