using System.Globalization;

namespace KnnCli.Core.Data;

/// <summary>Formats numbers the way pandas' to_csv writes float64 columns (Python's repr): 3.0, 5.8, 1e-05.</summary>
public static class PythonNumberFormat
{
    public static string Format(double value) =>
        double.IsFinite(value) ? Pythonize(value.ToString("R", CultureInfo.InvariantCulture)) : NonFinite(value);

    /// <summary>A float32 in its own shortest form (5.8, not 5.800000190734863), written like Python's repr.</summary>
    public static string Format(float value) =>
        float.IsFinite(value) ? Pythonize(value.ToString("R", CultureInfo.InvariantCulture)) : NonFinite(value);

    // .NET's shortest round-trip form has the same digits as Python's repr; only the notation differs.
    private static string Pythonize(string text) =>
        text.Contains('E', StringComparison.Ordinal) ? text.Replace('E', 'e')
        : text.Contains('.', StringComparison.Ordinal) ? text : text + ".0";

    private static string NonFinite(double value) => double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
}
