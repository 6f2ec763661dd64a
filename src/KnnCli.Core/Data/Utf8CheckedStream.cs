using System.Text;
using System.Text.Unicode;

namespace KnnCli.Core.Data;

/// <summary>
/// Passes a CSV's bytes through unchanged and stops at the first byte that is not UTF-8 text (an invalid or cut
/// sequence, or a NUL, which text never holds) with the file, line and character, where a decoder would quietly put
/// U+FFFD into class names. A UTF-16 or UTF-32 file (marked by its byte-order mark) is left to the reader to decode.
/// Valid chunks cost one vectorised check and a newline count.
/// </summary>
public sealed class Utf8CheckedStream(Stream inner, string displayName) : Stream
{
    private readonly byte[] _carry = new byte[4];
    private int _carried;
    private bool _started;
    private bool _otherEncoding;
    private long _line = 1;
    private long _character = 1;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Check(buffer[..read]);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Check(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Check(ReadOnlySpan<byte> chunk)
    {
        if (!_started && chunk.Length > 0)
        {
            _started = true;
            _otherEncoding = chunk.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || chunk.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]);
        }
        if (_otherEncoding) return;
        if (chunk.IsEmpty)
        {
            if (_carried > 0) throw NotText(_carry[0], "a character cut off at the end of the file");
            return;
        }
        if (_carried > 0)
        {
            // Complete the sequence cut at the previous chunk's end from this chunk's first bytes.
            while (_carried < SequenceLength(_carry[0]) && !chunk.IsEmpty)
            {
                if ((chunk[0] & 0xC0) != 0x80) Validate(_carry.AsSpan(0, _carried)); // cut short: refused here
                _carry[_carried++] = chunk[0];
                chunk = chunk[1..];
            }
            if (_carried < SequenceLength(_carry[0])) return;
            Validate(_carry.AsSpan(0, _carried));
            _carried = 0;
        }
        var cut = IncompleteTail(chunk);
        Validate(chunk[..^cut]);
        chunk[^cut..].CopyTo(_carry);
        _carried = cut;
    }

    private void Validate(ReadOnlySpan<byte> text)
    {
        if (Utf8.IsValid(text) && !text.Contains((byte)0))
        {
            var lastNewline = text.LastIndexOf((byte)'\n');
            if (lastNewline >= 0)
            {
                _line += text.Count((byte)'\n');
                _character = 1 + Characters(text[(lastNewline + 1)..]);
            }
            else
            {
                _character += Characters(text);
            }
            return;
        }
        // The slow walk only to say where.
        while (!text.IsEmpty)
        {
            if (text[0] == 0) throw NotText(0, "a NUL byte (binary data, not CSV text)");
            if (System.Text.Rune.DecodeFromUtf8(text, out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
                throw NotText(text[0], null);
            if (rune.Value == '\n') { _line++; _character = 1; }
            else _character++;
            text = text[consumed..];
        }
    }

    private Errors.InputException NotText(byte value, string? what) =>
        DataErrors.At(displayName, _line, null, $"character {_character}: {what ?? $"byte 0x{value:X2} is not UTF-8 text"}; save the file as UTF-8 text");

    /// <summary>Characters in valid UTF-8: every byte that is not a continuation byte starts one.</summary>
    private static long Characters(ReadOnlySpan<byte> text) => text.Length - CountContinuationBytes(text);

    private static int CountContinuationBytes(ReadOnlySpan<byte> text)
    {
        var count = 0;
        foreach (var b in text) if ((b & 0xC0) == 0x80) count++;
        return count;
    }

    /// <summary>How many bytes at the end start a sequence the chunk does not finish (0 to 3).</summary>
    private static int IncompleteTail(ReadOnlySpan<byte> chunk)
    {
        for (var back = 1; back <= Math.Min(3, chunk.Length); back++)
        {
            var b = chunk[^back];
            if ((b & 0xC0) == 0x80) continue; // a continuation byte: look further back for its lead
            return b >= 0xC0 && SequenceLength(b) > back ? back : 0;
        }
        return 0;
    }

    private static int SequenceLength(byte lead) => lead switch { < 0xC0 => 1, < 0xE0 => 2, < 0xF0 => 3, _ => 4 };

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
