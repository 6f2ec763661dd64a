using System.Globalization;
using System.Text;
using KnnCli.Core.Data;
using KnnCli.Core.Errors;

namespace KnnCli.Core.Tests;

public class NumericCsvReaderTests
{
    private static NumericCsvReader Reader(string text, int labelColumns = 1) =>
        new(new MemoryStream(Encoding.UTF8.GetBytes(text)), "data.csv", labelColumns);

    [Fact]
    public async Task Every_number_reads_exactly_as_float_Parse_reads_it_across_buffer_boundaries()
    {
        // ~4 MB of mixed spellings, so rows straddle the 1 MB block buffer many times.
        var random = new Random(7);
        var formats = new[] { "R", "F4", "F1", "E3", "G9", "0", "0.0000000001" };
        var text = new StringBuilder();
        var expected = new List<float>();
        for (var row = 0; row < 40000; row++)
        {
            text.Append(row % 3);
            for (var column = 0; column < 8; column++)
            {
                var value = (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-12, 12)));
                var written = value.ToString(formats[(row + column) % formats.Length], CultureInfo.InvariantCulture);
                if (column == 3) written = " +" + written.TrimStart('-') + " "; // sign and spaces are allowed
                text.Append(',').Append(written);
                expected.Add(float.Parse(written, NumberStyles.Float, CultureInfo.InvariantCulture));
            }
            text.Append(row % 2 == 0 ? "\n" : "\r\n");
        }
        using var reader = Reader(text.ToString());
        var features = new List<float>();
        var labels = new List<float>();
        while (await reader.ReadBatchAsync(999, CancellationToken.None) is { RowCount: > 0 } batch)
        {
            Assert.Equal(batch.RowCount * 8, batch.Features.Length);
            features.AddRange(batch.Features);
            labels.AddRange(batch.Labels);
        }
        Assert.Equal(expected, features); // bit-identical, not approximately
        Assert.Equal(Enumerable.Range(0, 40000).Select(r => (float)(r % 3)), labels);
        Assert.Equal(40000, reader.RowCount);
        Assert.Equal(8, reader.FeatureCount);
    }

    [Fact]
    public async Task Blank_lines_a_byte_order_mark_and_a_last_line_without_newline_are_handled()
    {
        using var reader = Reader("\uFEFF1,2.5,3\n\n   \r\n0,-4,5e-1");
        var batch = await reader.ReadBatchAsync(10, CancellationToken.None);
        Assert.Equal(2, batch.RowCount);
        Assert.Equal([2.5f, 3f, -4f, 0.5f], batch.Features);
        Assert.Equal([1f, 0f], batch.Labels);
        Assert.Equal(0, (await reader.ReadBatchAsync(10, CancellationToken.None)).RowCount);
    }

    [Fact]
    public async Task Feature_only_rows_have_no_labels()
    {
        using var reader = Reader("1,2\n3,4\n", labelColumns: 0);
        var batch = await reader.ReadBatchAsync(10, CancellationToken.None);
        Assert.Equal([1f, 2f, 3f, 4f], batch.Features);
        Assert.Empty(batch.Labels);
    }

    [Theory]
    [InlineData("1,2,3\n1,2,x\n", "data.csv:2: column '3': 'x' is not a number")]
    [InlineData("1,2,3\n1,,3\n", "data.csv:2: column '2': empty value")]
    [InlineData("1,2,NaN\n", "data.csv:1: column '3': 'NaN' is not a finite number")]
    [InlineData("1,2,3\n\n1,2\n", "data.csv:3: the row has 2 columns, expected 3 like the first row")]
    [InlineData("1,2,3\n1,2,3,4,5\n", "data.csv:2: the row has 5 columns, expected 3 like the first row")]
    [InlineData("1\n", "data.csv:1: the row has a label but no features")]
    [InlineData("q,2,3\n", "data.csv:1: column '1 (label)': 'q' is not a number")]
    public async Task Bad_rows_are_refused_with_file_line_and_column(string text, string message)
    {
        using var reader = Reader(text);
        var error = await Assert.ThrowsAsync<InputException>(() => reader.ReadBatchAsync(100, CancellationToken.None));
        Assert.Equal(message, error.Message);
    }
}
