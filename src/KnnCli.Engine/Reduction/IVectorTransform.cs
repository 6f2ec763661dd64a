namespace KnnCli.Engine.Reduction;

/// <summary>A transform applied to vectors before indexing and to queries before search (dimension reduction).</summary>
public interface IVectorTransform
{
    int InputDimension { get; }

    int OutputDimension { get; }

    /// <summary>Transforms row-major <paramref name="input"/> rows into <paramref name="output"/>.</summary>
    void Apply(ReadOnlySpan<float> input, Span<float> output);
}
