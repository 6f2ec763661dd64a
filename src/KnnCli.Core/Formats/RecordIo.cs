using System.Buffers;
using System.Buffers.Binary;

namespace KnnCli.Core.Formats;

/// <summary>
/// RecordIO framing as the SageMaker SDK writes it (<c>_write_recordio</c>): a little-endian uint32 magic
/// 0xCED7230A, a little-endian uint32 payload length, the payload, then zero bytes up to a 4-byte boundary.
/// </summary>
public static class RecordIo
{
    public const uint Magic = 0xCED7230A;

    /// <summary>Magic and length: the bytes in front of every payload.</summary>
    public const int HeaderBytes = 8;

    /// <summary>
    /// MXNet's RecordIO keeps a continuation flag in the top 3 bits of the length; the SDK never sets it, and a
    /// record split over several frames is refused rather than misread.
    /// </summary>
    private const uint LengthMask = (1u << 29) - 1;

    public static int Padding(int payloadLength) => (4 - (payloadLength & 3)) & 3;

    /// <summary>The framed size of a payload of this length.</summary>
    public static int FramedLength(int payloadLength) => HeaderBytes + payloadLength + Padding(payloadLength);

    /// <summary>Writes the header for a payload of <paramref name="payloadLength"/> bytes; the caller writes the payload and then <see cref="WritePadding"/>.</summary>
    public static void WriteHeader(IBufferWriter<byte> output, int payloadLength)
    {
        var header = output.GetSpan(HeaderBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], checked((uint)payloadLength));
        output.Advance(HeaderBytes);
    }

    public static void WritePadding(IBufferWriter<byte> output, int payloadLength)
    {
        var padding = Padding(payloadLength);
        if (padding == 0) return;
        output.GetSpan(padding)[..padding].Clear();
        output.Advance(padding);
    }

    /// <summary>One whole frame: header, payload, padding.</summary>
    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> payload)
    {
        WriteHeader(output, payload.Length);
        payload.CopyTo(output.GetSpan(payload.Length));
        output.Advance(payload.Length);
        WritePadding(output, payload.Length);
    }

    /// <summary>
    /// Takes the next frame off the front of <paramref name="input"/>. False at the end of the input; a frame
    /// that is cut short, has the wrong magic or a continuation flag throws <see cref="InvalidDataException"/>.
    /// </summary>
    /// <param name="offset">The frame's offset in the whole input, for error messages; advanced past the frame.</param>
    public static bool TryRead(ref ReadOnlySpan<byte> input, ref long offset, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        if (input.IsEmpty) return false;
        var length = ReadHeader(input, offset, out var framed);
        if (input.Length < HeaderBytes + length)
            throw new InvalidDataException($"RecordIO record at byte {offset} declares {length:N0} payload bytes but only {input.Length - HeaderBytes:N0} follow.");
        payload = input.Slice(HeaderBytes, length);
        // The last frame's padding may be left off by some writers; take what is there.
        var consumed = Math.Min(framed, input.Length);
        input = input[consumed..];
        offset += consumed;
        return true;
    }

    /// <summary>Reads and checks a frame header at the front of <paramref name="input"/> (at least 8 bytes).</summary>
    /// <returns>The payload length; <paramref name="framed"/> is the whole frame's length with padding.</returns>
    public static int ReadHeader(ReadOnlySpan<byte> input, long offset, out int framed)
    {
        if (input.Length < HeaderBytes)
            throw new InvalidDataException($"RecordIO data ends inside a record header at byte {offset}.");
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(input);
        if (magic != Magic)
            throw new InvalidDataException($"Not RecordIO at byte {offset}: expected the magic number 0x{Magic:X8}, found 0x{magic:X8}.");
        var word = BinaryPrimitives.ReadUInt32LittleEndian(input[4..]);
        if ((word & ~LengthMask) != 0)
            throw new InvalidDataException($"RecordIO record at byte {offset} is split over several frames (continuation flag {word >> 29}); write each record whole.");
        var length = (int)(word & LengthMask);
        framed = FramedLength(length);
        return length;
    }

    /// <summary>True when the bytes start with the RecordIO magic number.</summary>
    public static bool StartsWithMagic(ReadOnlySpan<byte> input) =>
        input.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(input) == Magic;
}
