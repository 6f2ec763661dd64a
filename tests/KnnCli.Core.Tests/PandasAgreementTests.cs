using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KnnCli.Core.Data;
using KnnCli.Core.Settings;
using KnnCli.Core.Workflow;
using KnnCli.Engine.Tests;

namespace KnnCli.Core.Tests;

/// <summary>prepare's output against pandas itself (Debian's python3-pandas), and its fast paths against .NET's own.</summary>
public sealed class PandasAgreementTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("knn-pandas-").FullName;

    [Fact]
    public async Task Prepared_files_are_byte_identical_to_what_pandas_writes()
    {
        var input = Path.Combine(_directory, "mixed.csv");
        await File.WriteAllTextAsync(input, MixedCsv(rows: 2000, seed: 11));

        var result = await new PrepareWorkflow(new WorkflowContext(new CommonSettings { WorkingDirectory = _directory }, new NoTargets(), new RecordingLog()))
            .RunAsync(new PrepareOptions { Input = input, Label = "kind" }, CancellationToken.None);
        var (pandasTrain, pandasTest) = (Path.Combine(_directory, "p_train.csv"), Path.Combine(_directory, "p_test.csv"));
        await DebianPython.RunAsync(DebianPython.Script("pandas_prepare.py"), "python3-pandas and python3-sklearn", TimeSpan.FromMinutes(3),
            input, "kind", pandasTrain, pandasTest);

        Assert.Equal(1500, result.TrainRows);
        Assert.Equal(await File.ReadAllTextAsync(pandasTrain), await File.ReadAllTextAsync(result.TrainFile));
        Assert.Equal(await File.ReadAllTextAsync(pandasTest), await File.ReadAllTextAsync(result.TestFile));
    }

    /// <summary>
    /// A file with CRLF line ends, the label between features, quoted fields, negative numbers, exponents (1e-05,
    /// 2.5E+3), integers among decimals, zeros of both signs and values of 15 significant digits. (Not more digits than
    /// that, leading zeros included: pandas' default parser drops the rest, reading 0.000344865006555275 as
    /// 0.0003448650065552, where knn keeps the correctly rounded value.)
    /// </summary>
    private static string MixedCsv(int rows, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder("f0,f1,kind,f2,\"f3\",f4\r\n");
        for (var r = 0; r < rows; r++)
        {
            var f0 = (random.NextDouble() * 200 - 100).ToString("F4", CultureInfo.InvariantCulture);
            var f1 = random.Next(4) switch
            {
                0 => $"{random.Next(1, 10)}e-0{random.Next(1, 9)}",
                1 => $"{random.Next(1, 100) / 10.0:0.0}E+{random.Next(0, 12)}",
                2 => random.Next(-50, 50).ToString(CultureInfo.InvariantCulture),
                _ => (random.NextDouble() / 1000).ToString("G10", CultureInfo.InvariantCulture),
            };
            var kind = $"{(r % 3 == 0 ? "\"" : "")}class_{random.Next(4)}{(r % 3 == 0 ? "\"" : "")}";
            var f2 = random.Next(3) == 0 ? (random.Next(2) == 0 ? "0.0" : "-0.0") : (random.NextDouble() * 1e6).ToString("F2", CultureInfo.InvariantCulture);
            var f3 = $"\"{random.Next(-1000, 1000) / 8.0:0.000}\"";
            var f4 = (random.NextDouble() - 0.5).ToString("0.###############", CultureInfo.InvariantCulture);
            text.Append($"{f0},{f1},{kind},{f2},{f3},{f4}\r\n");
        }
        return text.ToString();
    }

    [Fact]
    public async Task Doubles_are_written_as_pythons_repr_writes_them()
    {
        var random = new Random(5);
        var values = new List<double> { 0.0, -0.0, 1e16, -1e16, 1.2345678901234567e19, 1e15, 9.999999999999998e15, 1e-4, 9.99e-5, 1e-5, 5e-324, double.MaxValue, 0.1 + 0.2 };
        values.AddRange(Enumerable.Range(-1074, 2098).Select(e => Math.Pow(2, e))); // powers of two: .NET 10.0.12 writes some one digit short
        values.AddRange(Enumerable.Range(0, 3000).Select(_ => Math.Round(random.NextDouble() * 2000 - 1000, random.Next(9))));
        values.AddRange(Enumerable.Range(0, 3000).Select(_ => BitConverter.Int64BitsToDouble(random.NextInt64())).Where(double.IsFinite));
        values.AddRange(Enumerable.Range(0, 1000).Select(_ => random.Next(-99999, 99999) * Math.Pow(10, random.Next(-30, 30))));

        var expected = await DebianPython.RunAsync(DebianPython.Script("float_repr.py"), "python3", TimeSpan.FromMinutes(2),
            values.Select(v => BitConverter.DoubleToInt64Bits(v).ToString("x16", CultureInfo.InvariantCulture)).ToArray());

        var reprs = expected.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(values.Count, reprs.Length);
        var mismatches = values.Zip(reprs)
            .Where(pair => Fast(pair.First) != pair.Second).Select(pair => $"{Fast(pair.First)} (Python: {pair.Second})").ToList();
        Assert.Empty(mismatches);
    }

    private static string Fast(double value)
    {
        Span<byte> text = stackalloc byte[PythonNumberFormat.MaxLength];
        return Encoding.ASCII.GetString(text[..PythonNumberFormat.FormatFinite(value, text)]);
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(NumberTextGenerators)])]
    public void A_cell_is_a_number_exactly_when_dotnet_parses_it_as_a_finite_one(string cell)
    {
        using var csv = new HeaderedCsvReader(new MemoryStream(Encoding.UTF8.GetBytes($"a,b\n\"{cell}\",x\n")), "cells.csv");
        Assert.True(csv.Read());
        var expected = double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value);
        if (expected) Assert.Equal(value, csv.Number(0));
        else Assert.Throws<Errors.InputException>(() => csv.Number(0));
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { }
    }
}

public static class NumberTextGenerators
{
    /// <summary>Strings of the characters CsvHelper's fast parser is trusted with, plus a few that send a cell to .NET's.</summary>
    public static Arbitrary<string> Cells() =>
        Gen.Elements('0', '1', '5', '9', '.', 'e', 'E', '+', '-', ',', 'x', '_')
            .ArrayOf().Where(chars => chars.Length is > 0 and < 24)
            .Select(chars => new string(chars)).ToArbitrary();
}
