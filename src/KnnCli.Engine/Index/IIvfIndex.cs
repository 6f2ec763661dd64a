namespace KnnCli.Engine.Index;

/// <summary>An inverted-file index (faiss IndexIVF): a coarse quantizer's centroids and one list of vector ids per centroid.</summary>
public interface IIvfIndex : IKnnIndex
{
    /// <summary>Coarse centroids, row-major, <see cref="ListCount"/> rows.</summary>
    float[] Centroids { get; }

    /// <summary>nlist: the number of centroids and inverted lists.</summary>
    int ListCount { get; }

    /// <summary>The ids in each list, ascending.</summary>
    IReadOnlyList<int[]> ListIds { get; }

    /// <summary>Lists a search visits per query (at most <see cref="ListCount"/>). Set it before searching, not during.</summary>
    int Nprobe { get; set; }
}
