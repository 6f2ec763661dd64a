using System.Text;
using KnnCli.Core.Data;
using KnnCli.Core.Errors;

namespace KnnCli.Core.Tests;

public sealed class Utf8CheckedStreamTests
{
    /// <summary>Hands out at most <paramref name="step"/> bytes per read, so characters are cut at every boundary.</summary>
    private sealed class Trickle(byte[] bytes, int step) : MemoryStream(bytes)
    {
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(step, buffer.Length)]);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(step, buffer.Length)], cancellationToken);
    }

    private static string ReadAll(byte[] bytes, int step)
    {
        using var reader = new StreamReader(new Utf8CheckedStream(new Trickle(bytes, step), "f.csv"), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4096)]
    public void Valid_text_passes_unchanged_however_the_reads_cut_it(int step)
    {
        var text = "a,b,Species\n1,2,café\n3,4,日本語\n5,6,🌸 blossom\n";
        Assert.Equal(text, ReadAll(Encoding.UTF8.GetBytes(text), step));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    public void A_bad_byte_is_refused_with_its_line_and_character(int step)
    {
        var bytes = Encoding.UTF8.GetBytes("a,b\n1,日\n2,").Concat(new byte[] { 0x63, 0x61, 0x66, 0xE9, 0x0A }).ToArray();
        var error = Assert.Throws<InputException>(() => ReadAll(bytes, step));
        Assert.Equal("f.csv:3: character 6: byte 0xE9 is not UTF-8 text; save the file as UTF-8 text", error.Message);
    }

    [Fact]
    public void A_character_cut_off_at_the_end_and_a_nul_are_refused()
    {
        Assert.Contains("f.csv:1: character 3: a character cut off at the end of the file", Assert.Throws<InputException>(() => ReadAll([0x61, 0x62, 0xE6, 0x97], 4096)).Message);
        Assert.Contains("f.csv:2: character 2: a NUL byte", Assert.Throws<InputException>(() => ReadAll("a\nb\0"u8.ToArray(), 4096)).Message);
    }

    [Fact]
    public void A_utf16_file_is_left_to_the_reader()
    {
        var text = "a,b\n1,café\n";
        Assert.Equal(text, ReadAll(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(text)).ToArray(), 3));
    }
}
