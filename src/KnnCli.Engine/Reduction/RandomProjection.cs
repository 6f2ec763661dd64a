using KnnCli.Engine.Random;

namespace KnnCli.Engine.Reduction;

/// <summary>
/// SageMaker's two dimension reductions as seeded linear maps, so a model can rebuild its transform from the
/// (type, seed, input_dim, target_dim) in its metadata and faiss can store it as a LinearTransform. Both are
/// scaled so that E‖A·x‖² = ‖x‖², which keeps L2 distances and inner products approximately.
/// </summary>
public static class RandomProjection
{
    public const string SignName = "sign";
    public const string FjltName = "fjlt";

    public static LinearTransform Create(DimensionReductionInfo info) => info.Type switch
    {
        SignName => Sign(info.InputDim, info.TargetDim, info.Seed),
        FjltName => Fjlt(info.InputDim, info.TargetDim, info.Seed),
        var other => throw new InvalidDataException($"Unknown dimension reduction type '{other}' (expected {SignName} or {FjltName})."),
    };

    /// <summary>A dense matrix of random signs scaled by 1/√target: O(d·target) per vector.</summary>
    public static LinearTransform Sign(int inputDimension, int targetDimension, int seed)
    {
        var random = new NumpyRandomState((uint)seed);
        var scale = (float)(1 / Math.Sqrt(targetDimension));
        var matrix = new float[targetDimension * inputDimension];
        for (var i = 0; i < matrix.Length; i++) matrix[i] = (random.NextUInt32() & 1) == 0 ? scale : -scale;
        return new LinearTransform(inputDimension, targetDimension, matrix);
    }

    /// <summary>
    /// The fast Johnson–Lindenstrauss transform of Ailon and Chazelle, Φ = P·H·D/√target: D random signs, H the
    /// normalised Walsh–Hadamard transform (the input zero-padded to a power of two), P sparse with N(0, 1/q)
    /// entries kept with probability q = min(1, log²(d)/d). Stored multiplied out, as one matrix.
    /// </summary>
    public static LinearTransform Fjlt(int inputDimension, int targetDimension, int seed)
    {
        var random = new NumpyRandomState((uint)seed);
        var padded = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)inputDimension);
        var signs = new float[padded];
        for (var j = 0; j < padded; j++) signs[j] = (random.NextUInt32() & 1) == 0 ? 1f : -1f;
        var logD = Math.Log2(padded);
        var density = Math.Min(1.0, Math.Max(logD * logD, 1.0) / padded);
        var gaussianScale = 1 / Math.Sqrt(density);
        var hadamardScale = 1 / Math.Sqrt(padded);
        var outputScale = 1 / Math.Sqrt(targetDimension);

        var matrix = new float[targetDimension * inputDimension];
        var row = new double[padded];
        for (var i = 0; i < targetDimension; i++)
        {
            for (var j = 0; j < padded; j++)
                row[j] = NextUniform(random) < density ? NextGaussian(random) * gaussianScale : 0;
            WalshHadamard(row); // (P_i · H)ᵀ = H · P_iᵀ, since H is symmetric
            for (var j = 0; j < inputDimension; j++)
                matrix[i * inputDimension + j] = (float)(row[j] * hadamardScale * signs[j] * outputScale);
        }
        return new LinearTransform(inputDimension, targetDimension, matrix);
    }

    private static void WalshHadamard(Span<double> values)
    {
        for (var half = 1; half < values.Length; half *= 2)
        {
            for (var start = 0; start < values.Length; start += 2 * half)
            {
                for (var j = start; j < start + half; j++)
                {
                    var (a, b) = (values[j], values[j + half]);
                    values[j] = a + b;
                    values[j + half] = a - b;
                }
            }
        }
    }

    /// <summary>Uniform in [0, 1) with 53 random bits, as NumPy's random_sample.</summary>
    private static double NextUniform(NumpyRandomState random)
    {
        var a = random.NextUInt32() >> 5;
        var b = random.NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary>A standard normal by the Box–Muller transform.</summary>
    private static double NextGaussian(NumpyRandomState random)
    {
        var u = 1 - NextUniform(random);
        var v = NextUniform(random);
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }
}
