using System.Numerics;

namespace KnnCli.Engine;

internal static unsafe class VectorMath
{
    /// <summary>Scales each row to unit L2 length (zero rows stay zero), as faiss.normalize_L2 does.</summary>
    public static void NormalizeRows(Span<float> rows, int dimension)
    {
        for (var start = 0; start < rows.Length; start += dimension)
        {
            var row = rows.Slice(start, dimension);
            double sum = 0;
            foreach (var x in row) sum += (double)x * x;
            if (sum <= 0) continue;
            var scale = (float)(1.0 / Math.Sqrt(sum));
            for (var i = 0; i < row.Length; i++) row[i] *= scale;
        }
    }

    /// <summary>x·y over <paramref name="length"/> floats, SIMD with FMA.</summary>
    public static float Dot(float* x, float* y, int length)
    {
        var w = Vector<float>.Count;
        var acc0 = Vector<float>.Zero;
        var acc1 = Vector<float>.Zero;
        var i = 0;
        for (; i + 2 * w <= length; i += 2 * w)
        {
            acc0 = Vector.FusedMultiplyAdd(Vector.Load(x + i), Vector.Load(y + i), acc0);
            acc1 = Vector.FusedMultiplyAdd(Vector.Load(x + i + w), Vector.Load(y + i + w), acc1);
        }
        var sum = Vector.Sum(acc0 + acc1);
        for (; i < length; i++) sum += x[i] * y[i];
        return sum;
    }

    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        fixed (float* px = x, py = y) return Dot(px, py, Math.Min(x.Length, y.Length));
    }

    /// <summary>output = a × x over <paramref name="length"/> floats.</summary>
    public static void Scale(float* x, float a, float* output, int length)
    {
        var scale = new Vector<float>(a);
        var i = 0;
        for (; i + Vector<float>.Count <= length; i += Vector<float>.Count) (Vector.Load(x + i) * scale).Store(output + i);
        for (; i < length; i++) output[i] = a * x[i];
    }

    /// <summary>output += a × x over <paramref name="length"/> floats.</summary>
    public static void MultiplyAdd(float* x, float a, float* output, int length)
    {
        var scale = new Vector<float>(a);
        var i = 0;
        for (; i + Vector<float>.Count <= length; i += Vector<float>.Count)
            Vector.FusedMultiplyAdd(Vector.Load(x + i), scale, Vector.Load(output + i)).Store(output + i);
        for (; i < length; i++) output[i] += a * x[i];
    }

    /// <summary>output = x + y over <paramref name="length"/> floats.</summary>
    public static void Add(float* x, float* y, float* output, int length)
    {
        var i = 0;
        for (; i + Vector<float>.Count <= length; i += Vector<float>.Count) (Vector.Load(x + i) + Vector.Load(y + i)).Store(output + i);
        for (; i < length; i++) output[i] = x[i] + y[i];
    }

    /// <summary>‖x − y‖² over <paramref name="length"/> floats.</summary>
    public static float SquaredDistance(float* x, float* y, int length)
    {
        var w = Vector<float>.Count;
        var acc = Vector<float>.Zero;
        var i = 0;
        for (; i + w <= length; i += w)
        {
            var diff = Vector.Load(x + i) - Vector.Load(y + i);
            acc = Vector.FusedMultiplyAdd(diff, diff, acc);
        }
        var sum = Vector.Sum(acc);
        for (; i < length; i++)
        {
            var diff = x[i] - y[i];
            sum += diff * diff;
        }
        return sum;
    }

    /// <summary>
    /// ‖x − y‖² summed in double, for bounds that must hold over float32 scores (an empty <paramref name="y"/> stands
    /// for the origin): its rounding is far below float32's, so a small factor keeps it an upper bound.
    /// </summary>
    public static double SquaredDistanceInDouble(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        double sum = 0;
        for (var t = 0; t < x.Length; t++)
        {
            var diff = (double)x[t] - (y.IsEmpty ? 0 : y[t]);
            sum += diff * diff;
        }
        return sum;
    }

    /// <summary>‖y‖² of each of the <paramref name="count"/> rows.</summary>
    public static float[] SquaredNorms(ReadOnlySpan<float> rows, int dimension)
    {
        var count = rows.Length / dimension;
        var norms = new float[count];
        fixed (float* p = rows)
        {
            for (var i = 0; i < count; i++)
            {
                var row = p + (long)i * dimension;
                norms[i] = Dot(row, row, dimension);
            }
        }
        return norms;
    }
}
