using KnnCli.Engine.Index;
using KnnCli.Engine.Reduction;

namespace KnnCli.Engine.ModelFiles;

/// <summary>
/// Maps faiss index data to the engine's searchable indexes and back. Vector arrays are handed over, not copied,
/// when the engine type keeps an array.
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

    /// <exception cref="InvalidDataException">The engine has no index or transform for <paramref name="data"/>.</exception>
    public static (IKnnIndex Index, IVectorTransform? Reduction) ToEngine(FaissIndexData data) => data switch
    {
        FaissFlatData flat => (new FlatIndex(flat.Dimension, flat.Metric, flat.Vectors), null),
        _ => throw new InvalidDataException($"{ModelArtifact.IndexEntry} holds a faiss {data.Describe()}, which the local engine cannot search yet."),
    };

    public static FaissIndexData ToFaiss(IKnnIndex index, IVectorTransform? reduction)
    {
        if (reduction is not null)
            throw new NotSupportedException($"Cannot serialize a {reduction.GetType().Name} dimension reduction.");
        return index switch
        {
            // FlatIndex exposes its vectors only as a span, so writing copies them once.
            FlatIndex flat => new FaissFlatData(flat.Dimension, flat.Metric, flat.Vectors.ToArray()),
            _ => throw new NotSupportedException($"Cannot serialize an index of type {index.GetType().Name}."),
        };
    }
}
