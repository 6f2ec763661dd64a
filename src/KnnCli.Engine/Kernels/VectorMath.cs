namespace KnnCli.Engine;

internal static class VectorMath
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
}
