using System.Globalization;

namespace KnnCli.Core.Data;

/// <summary>Formats numbers the way pandas' to_csv writes float64 columns (Python's repr): 3.0, 5.8, 1e-05.</summary>
public static class PythonNumberFormat
{
    public static string Format(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        // .NET's shortest round-trip form has the same digits as Python's repr; only the notation differs.
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (text.Contains('E', StringComparison.Ordinal)) return text.Replace('E', 'e');
        return text.Contains('.', StringComparison.Ordinal) ? text : text + ".0";
    }
}
