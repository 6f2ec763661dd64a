namespace KnnCli.Engine.Reduction;

/// <summary>
/// y = A·x (+ b), faiss's LinearTransform: <see cref="Matrix"/> is <see cref="OutputDimension"/> ×
/// <see cref="InputDimension"/>, row-major, and <see cref="Bias"/> is optional.
/// </summary>
public sealed unsafe class LinearTransform : IVectorTransform
{
    public LinearTransform(int inputDimension, int outputDimension, float[] matrix, float[]? bias = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputDimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputDimension, 1);
        if (matrix.Length != inputDimension * outputDimension)
            throw new ArgumentException($"A {outputDimension} × {inputDimension} matrix needs {inputDimension * outputDimension} floats, got {matrix.Length}.", nameof(matrix));
        if (bias is not null && bias.Length != outputDimension)
            throw new ArgumentException($"The bias needs {outputDimension} floats, got {bias.Length}.", nameof(bias));
        InputDimension = inputDimension;
        OutputDimension = outputDimension;
        Matrix = matrix;
        Bias = bias;
    }

    public int InputDimension { get; }

    public int OutputDimension { get; }

    /// <summary>A, row-major: output i is row i dotted with the input.</summary>
    public float[] Matrix { get; }

    public float[]? Bias { get; }

    public void Apply(ReadOnlySpan<float> input, Span<float> output)
    {
        var rows = input.Length / InputDimension;
        if (input.Length != rows * InputDimension || output.Length < rows * OutputDimension)
            throw new ArgumentException($"Expected whole rows of {InputDimension} floats in and room for {OutputDimension} floats per row out.");
        fixed (float* x = input, a = Matrix, y = output)
        {
            var (inputPtr, outputPtr, matrixPtr) = ((nint)x, (nint)y, (nint)a);
            var body = (int row) =>
            {
                var source = (float*)inputPtr + (long)row * InputDimension;
                var target = (float*)outputPtr + (long)row * OutputDimension;
                for (var i = 0; i < OutputDimension; i++)
                    target[i] = VectorMath.Dot((float*)matrixPtr + (long)i * InputDimension, source, InputDimension) + (Bias?[i] ?? 0f);
            };
            if ((long)rows * InputDimension * OutputDimension < 1 << 20)
                for (var row = 0; row < rows; row++) body(row);
            else
                Parallel.For(0, rows, body);
        }
    }
}
