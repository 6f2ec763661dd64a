using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace KnnCli.Core.Data;

/// <summary>Formats numbers the way pandas' to_csv writes float64 columns (Python's repr): 3.0, 5.8, 1e-05.</summary>
public static class PythonNumberFormat
{
    /// <summary>Room enough for any finite double or float in its shortest form plus ".0" ("-2.2250738585072014e-308").</summary>
    public const int MaxLength = 32;

    public static string Format(double value) => double.IsFinite(value) ? AsString(value) : NonFinite(value);

    /// <summary>A float32 in its own shortest form (5.8, not 5.800000190734863), written like Python's repr.</summary>
    public static string Format(float value) => float.IsFinite(value) ? AsString(value) : NonFinite(value);

    /// <summary>
    /// Writes a finite number as UTF-8 into <paramref name="destination"/> (at least <see cref="MaxLength"/> bytes)
    /// and returns the bytes written: the hot path of prepare, with no string in between.
    /// </summary>
    public static int FormatFinite(double value, Span<byte> destination) =>
        TryFormatShortDecimal(value, destination, out var written) ? written : FormatFinite<double>(value, destination);

    /// <inheritdoc cref="FormatFinite(double, Span{byte})"/>
    public static int FormatFinite<T>(T value, Span<byte> destination) where T : IUtf8SpanFormattable
    {
        value.TryFormat(destination, out var written, "R", CultureInfo.InvariantCulture);
        // .NET's shortest round-trip form has the same digits as Python's repr; only the notation differs.
        var text = destination[..written];
        var exponent = text.IndexOf((byte)'E');
        if (exponent >= 0) text[exponent] = (byte)'e';
        else if (!text.Contains((byte)'.'))
        {
            destination[written++] = (byte)'.';
            destination[written++] = (byte)'0';
        }
        return written;
    }

    /// <summary>
    /// The common case of data files, a few decimals from 0.0001 to 10^15 (fixed notation in Python and .NET alike),
    /// without .NET's general shortest-digits search: the fewest decimals k for which m / 10^k == value with m an
    /// integer of at most 15 digits. Division of two exact doubles is correctly rounded, so that decimal parses to
    /// this very value; no two decimals of 15 digits or fewer parse to the same double, so no shorter one does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryFormatShortDecimal(double value, Span<byte> destination, out int written)
    {
        written = 0;
        var magnitude = Math.Abs(value);
        if (magnitude == 0)
        {
            (double.IsNegative(value) ? "-0.0"u8 : "0.0"u8).CopyTo(destination);
            written = double.IsNegative(value) ? 4 : 3;
            return true;
        }
        if (!(magnitude >= 1e-4 && magnitude < 1e15)) return false;
        ReadOnlySpan<double> powers = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
        for (var decimals = 0; decimals < powers.Length; decimals++)
        {
            var scaled = Math.Round(magnitude * powers[decimals]);
            if (scaled >= 1e15) return false;
            if (scaled / powers[decimals] != magnitude) continue;
            var digits = (long)scaled;
            var scale = (long)powers[decimals];
            if (value < 0) destination[written++] = (byte)'-';
            (digits / scale).TryFormat(destination[written..], out var integerDigits, default, CultureInfo.InvariantCulture);
            written += integerDigits;
            destination[written++] = (byte)'.';
            if (decimals == 0)
            {
                destination[written++] = (byte)'0';
                return true;
            }
            var fraction = digits % scale;
            for (var i = written + decimals - 1; i >= written; i--, fraction /= 10) destination[i] = (byte)('0' + fraction % 10);
            written += decimals;
            return true;
        }
        return false;
    }

    private static string AsString<T>(T value) where T : IUtf8SpanFormattable
    {
        Span<byte> text = stackalloc byte[MaxLength];
        return Encoding.ASCII.GetString(text[..FormatFinite(value, text)]);
    }

    private static string NonFinite(double value) => double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
}
