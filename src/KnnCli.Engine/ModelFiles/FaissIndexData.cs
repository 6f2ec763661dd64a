using System.Globalization;

namespace KnnCli.Engine.ModelFiles;

/// <summary>
/// The content of a faiss index as faiss serializes it (faiss/impl/index_write.cpp), independent of how the
/// engine searches it. Arrays are shared, not copied, with whatever the data is built from or mapped to.
/// Ids are the positions the vectors were added in, so they index the label array.
/// </summary>
public abstract record FaissIndexData
{
    /// <summary>Dimension of the vectors the index takes (before any transform).</summary>
    public abstract int Dimension { get; }

    /// <summary>Vectors held (faiss's ntotal).</summary>
    public abstract int Count { get; }

    /// <summary>Metric the index ranks by: L2 (squared distances) or inner product.</summary>
    public abstract IndexMetric Metric { get; }

    /// <summary>The faiss class, with its shape, as a person reads it (e.g. "IndexIVFPQ (nlist 16, M 4 × 8 bits)").</summary>
    public abstract string Describe();

    /// <summary>Checks the fields agree with each other; throws <see cref="ArgumentException"/> when they do not.</summary>
    public abstract void Validate();

    private protected static void CheckMetric(IndexMetric metric)
    {
        if (metric is not (IndexMetric.L2 or IndexMetric.InnerProduct))
            throw new ArgumentException("A faiss index stores L2 or inner product; cosine is inner product over normalised vectors.", nameof(metric));
    }

    private protected static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>IndexFlatL2 / IndexFlatIP: every vector, searched exhaustively.</summary>
/// <param name="Vectors">Row-major, <see cref="Count"/> × <paramref name="Dimension"/>.</param>
public sealed record FaissFlatData(int Dimension, IndexMetric Metric, float[] Vectors) : FaissIndexData
{
    public override int Dimension { get; } = Dimension;

    public override IndexMetric Metric { get; } = Metric;

    public override int Count => Vectors.Length / Dimension;

    public override string Describe() => Metric == IndexMetric.L2 ? "IndexFlatL2" : "IndexFlatIP";

    public override void Validate()
    {
        CheckMetric(Metric);
        ArgumentOutOfRangeException.ThrowIfLessThan(Dimension, 1);
        if (Vectors.Length % Dimension != 0)
            throw new ArgumentException($"{Vectors.Length} floats are not a whole number of {Dimension}-dimensional vectors.");
    }
}

/// <summary>
/// The parts every IndexIVF shares: a flat coarse quantizer holding <see cref="ListCount"/> centroids, the probe count
/// and, per inverted list, the ids of the vectors assigned to it.
/// </summary>
public abstract record FaissIvfData(int Dimension, IndexMetric Metric, int Nprobe, float[] Centroids, int[][] ListIds) : FaissIndexData
{
    public override int Dimension { get; } = Dimension;

    public override IndexMetric Metric { get; } = Metric;

    /// <summary>Inverted lists (faiss's nlist).</summary>
    public int ListCount => Centroids.Length / Dimension;

    public override int Count => ListIds.Sum(ids => ids.Length);

    /// <summary>Bytes faiss stores per vector in an inverted list.</summary>
    public abstract int CodeSize { get; }

    public override void Validate()
    {
        CheckMetric(Metric);
        ArgumentOutOfRangeException.ThrowIfLessThan(Dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(Nprobe, 1);
        if (Centroids.Length == 0 || Centroids.Length % Dimension != 0)
            throw new ArgumentException($"{Centroids.Length} centroid floats are not a positive whole number of {Dimension}-dimensional centroids.");
        if (ListIds.Length != ListCount)
            throw new ArgumentException($"{ListCount} centroids but {ListIds.Length} id lists.");
        var count = Count;
        var seen = new bool[count];
        foreach (var id in ListIds.SelectMany(ids => ids))
        {
            if (id < 0 || id >= count || seen[id])
                throw new ArgumentException($"The inverted lists must hold each id 0..{count - 1} once; id {id} is out of range or repeated.");
            seen[id] = true;
        }
    }
}

/// <summary>IndexIVFFlat: vectors stored whole in the inverted lists.</summary>
/// <param name="ListVectors">Per list, its vectors row-major, in the order of its ids.</param>
public sealed record FaissIvfFlatData(int Dimension, IndexMetric Metric, int Nprobe, float[] Centroids, int[][] ListIds, float[][] ListVectors)
    : FaissIvfData(Dimension, Metric, Nprobe, Centroids, ListIds)
{
    public override int CodeSize => Dimension * sizeof(float);

    public override string Describe() => $"IndexIVFFlat (nlist {Invariant(ListCount)}, nprobe {Invariant(Nprobe)})";

    public override void Validate()
    {
        base.Validate();
        if (ListVectors.Length != ListIds.Length)
            throw new ArgumentException($"{ListIds.Length} id lists but {ListVectors.Length} vector lists.");
        for (var list = 0; list < ListIds.Length; list++)
        {
            if (ListVectors[list].Length != ListIds[list].Length * Dimension)
                throw new ArgumentException($"Inverted list {list} has {ListIds[list].Length} ids but {ListVectors[list].Length} floats.");
        }
    }
}

/// <summary>
/// IndexIVFPQ: per list, product-quantizer codes of each vector (of its residual from the list's centroid when
/// <paramref name="ByResidual"/>). The PQ splits a vector into <paramref name="SubQuantizers"/> sub-vectors of
/// Dimension / M floats, each coded by one of 2^<paramref name="BitsPerCode"/> codebook entries.
/// </summary>
/// <param name="PqCodebooks">faiss's pq.centroids: M × 2^nbits × (Dimension / M) floats.</param>
/// <param name="ListCodes">Per list, <see cref="CodeSize"/> bytes per vector, in the order of its ids.</param>
public sealed record FaissIvfPqData(
    int Dimension, IndexMetric Metric, int Nprobe, float[] Centroids, bool ByResidual, int SubQuantizers, int BitsPerCode,
    float[] PqCodebooks, int[][] ListIds, byte[][] ListCodes)
    : FaissIvfData(Dimension, Metric, Nprobe, Centroids, ListIds)
{
    /// <summary>faiss packs the M codes of nbits each into whole bytes.</summary>
    public override int CodeSize => (SubQuantizers * BitsPerCode + 7) / 8;

    /// <summary>Codebook entries per sub-quantizer (faiss's ksub).</summary>
    public int CodebookSize => 1 << BitsPerCode;

    public override string Describe() =>
        $"IndexIVFPQ (nlist {Invariant(ListCount)}, nprobe {Invariant(Nprobe)}, M {Invariant(SubQuantizers)} × {Invariant(BitsPerCode)} bits{(ByResidual ? "" : ", not by residual")})";

    public override void Validate()
    {
        base.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(SubQuantizers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(BitsPerCode, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BitsPerCode, 16);
        if (Dimension % SubQuantizers != 0)
            throw new ArgumentException($"The PQ's M ({SubQuantizers}) must divide the dimension ({Dimension}).");
        if (PqCodebooks.Length != (long)Dimension * CodebookSize)
            throw new ArgumentException($"The PQ codebooks hold {PqCodebooks.Length} floats, expected {Dimension} × {CodebookSize}.");
        if (ListCodes.Length != ListIds.Length)
            throw new ArgumentException($"{ListIds.Length} id lists but {ListCodes.Length} code lists.");
        for (var list = 0; list < ListIds.Length; list++)
        {
            if (ListCodes[list].Length != ListIds[list].Length * CodeSize)
                throw new ArgumentException($"Inverted list {list} has {ListIds[list].Length} ids but {ListCodes[list].Length} code bytes.");
        }
    }
}

/// <summary>faiss's LinearTransform: y = A x (+ b), with A row-major <paramref name="OutputDimension"/> × <paramref name="InputDimension"/>.</summary>
public sealed record FaissLinearTransformData(int InputDimension, int OutputDimension, float[] Matrix, float[]? Bias)
{
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(InputDimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(OutputDimension, 1);
        if (Matrix.Length != (long)InputDimension * OutputDimension)
            throw new ArgumentException($"The matrix holds {Matrix.Length} floats, expected {OutputDimension} × {InputDimension}.");
        if (Bias is not null && Bias.Length != OutputDimension)
            throw new ArgumentException($"The bias holds {Bias.Length} floats, expected {OutputDimension}.");
    }
}

/// <summary>IndexPreTransform: a chain of linear transforms (e.g. dimension reduction) applied before the inner index.</summary>
public sealed record FaissPreTransformData(IReadOnlyList<FaissLinearTransformData> Chain, FaissIndexData Index) : FaissIndexData
{
    public override int Dimension => Chain.Count > 0 ? Chain[0].InputDimension : Index.Dimension;

    public override int Count => Index.Count;

    public override IndexMetric Metric => Index.Metric;

    public override string Describe() =>
        $"IndexPreTransform ({string.Join(", ", Chain.Select(t => $"LinearTransform {Invariant(t.InputDimension)}→{Invariant(t.OutputDimension)}"))}) over {Index.Describe()}";

    public override void Validate()
    {
        if (Index is FaissPreTransformData)
            throw new ArgumentException("An IndexPreTransform inside another is not supported.");
        Index.Validate();
        var dimension = Dimension;
        foreach (var transform in Chain)
        {
            transform.Validate();
            if (transform.InputDimension != dimension)
                throw new ArgumentException($"A transform takes {transform.InputDimension} dimensions but receives {dimension}.");
            dimension = transform.OutputDimension;
        }
        if (dimension != Index.Dimension)
            throw new ArgumentException($"The transforms output {dimension} dimensions but the inner index takes {Index.Dimension}.");
    }
}
