using KnnCli.Core.Data;

namespace KnnCli.Core.Tests;

public sealed class PythonNumberFormatTests
{
    [Theory]
    [InlineData(3.0, "3.0")]
    [InlineData(5.8, "5.8")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(-2.0, "-2.0")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(1.5e20, "1.5e+20")]
    [InlineData(0.0001, "0.0001")]
    public void Formats_floats_as_pandas_to_csv_does(double value, string expected) =>
        Assert.Equal(expected, PythonNumberFormat.Format(value));

    [Theory]
    [InlineData(5.8f, "5.8")]
    [InlineData(6f, "6.0")]
    [InlineData(0.1f, "0.1")]
    public void Formats_float32_in_its_own_shortest_form(float value, string expected) =>
        Assert.Equal(expected, PythonNumberFormat.Format(value));
}
