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
    /// Writes a finite double as UTF-8 into <paramref name="destination"/> (at least <see cref="MaxLength"/> bytes)
    /// and returns the bytes written: the hot path of prepare, with no string in between.
    /// </summary>
    public static int FormatFinite(double value, Span<byte> destination)
    {
        if (TryFormatShortDecimal(value, destination, out var written)) return written;
        written = ShortestRoundTrip(value, destination);
        // .NET writes integers up to 10^17 or so in full; Python from 10^16 on as 1e+16.
        if (Math.Abs(value) >= 1e16 && !destination[..written].Contains((byte)'E')) written = ToExponentForm(destination, written);
        return Pythonize(destination, written);
    }

    /// <inheritdoc cref="FormatFinite(double, Span{byte})"/>
    public static int FormatFinite(float value, Span<byte> destination)
    {
        value.TryFormat(destination, out var written, "R", CultureInfo.InvariantCulture);
        return Pythonize(destination, written);
    }

    /// <summary>
    /// .NET's shortest round-trip form, which has Python's repr digits; except that .NET 10 (up to at least 10.0.12,
    /// dotnet/runtime#135582) writes some powers of two one digit short (2^-25 as 2.980232238769531E-08, which reads
    /// back as another double). Then the fewest significant digits that do read back, as Python's repr has them.
    /// </summary>
    private static int ShortestRoundTrip(double value, Span<byte> destination)
    {
        value.TryFormat(destination, out var written, "R", CultureInfo.InvariantCulture);
        // G17 always reads back; the closest decimal of n digits reads back when any of n digits does.
        for (var digits = 1; !ReadsBack(value, destination[..written]) && digits <= 17; digits++)
            value.TryFormat(destination, out written, Precision[digits - 1], CultureInfo.InvariantCulture);
        return written;
    }

    private static readonly string[] Precision = Enumerable.Range(1, 17).Select(n => $"G{n}").ToArray();

    private static bool ReadsBack(double value, ReadOnlySpan<byte> text) =>
        double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) == value;

    /// <summary>An integer written in full ("-12345600000000000000") as d.ddde+NN ("-1.23456e+19").</summary>
    private static int ToExponentForm(Span<byte> text, int length)
    {
        var sign = text[0] == (byte)'-' ? 1 : 0;
        var exponent = length - sign - 1;
        var significant = text[sign..length].TrimEnd((byte)'0').Length;
        Span<byte> result = stackalloc byte[MaxLength];
        var written = 0;
        if (sign == 1) result[written++] = (byte)'-';
        result[written++] = text[sign];
        if (significant > 1)
        {
            result[written++] = (byte)'.';
            text[(sign + 1)..(sign + significant)].CopyTo(result[written..]);
            written += significant - 1;
        }
        result[written++] = (byte)'E';
        result[written++] = (byte)'+';
        exponent.TryFormat(result[written..], out var exponentDigits, "00", CultureInfo.InvariantCulture);
        written += exponentDigits;
        result[..written].CopyTo(text);
        return written;
    }

    /// <summary>.NET's notation made Python's: 1E-05 as 1e-05, 3 as 3.0 (the digits are the same).</summary>
    private static int Pythonize(Span<byte> destination, int written)
    {
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

    private static string AsString(double value)
    {
        Span<byte> text = stackalloc byte[MaxLength];
        return Encoding.ASCII.GetString(text[..FormatFinite(value, text)]);
    }

    private static string AsString(float value)
    {
        Span<byte> text = stackalloc byte[MaxLength];
        return Encoding.ASCII.GetString(text[..FormatFinite(value, text)]);
    }

    private static string NonFinite(double value) => double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
}
