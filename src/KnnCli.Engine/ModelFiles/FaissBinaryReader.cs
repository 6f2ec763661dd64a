using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace KnnCli.Engine.ModelFiles;

/// <summary>
/// Reads faiss's little-endian fields from a stream of known length, through one small buffer. Every count read from
/// the file is checked against the bytes that remain before anything is allocated, so a truncated or corrupted file
/// ends in an <see cref="InvalidDataException"/> that names the field, never in a huge allocation or a crash.
/// Arrays are filled in place: the data is copied once, from the stream into the array that keeps it.
/// </summary>
internal sealed class FaissBinaryReader
{
    private const int BufferSize = 64 * 1024;
    private readonly Stream _stream;
    private readonly string _name;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _start;
    private int _end;
    private long _unread;

    /// <param name="length">Bytes the file holds (the stream may go on; nothing past them is read).</param>
    public FaissBinaryReader(Stream stream, long length, string name)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("faiss files are read as little-endian; this machine is big-endian.");
        _stream = stream;
        _unread = length;
        _name = name;
    }

    /// <summary>Bytes of the file not consumed yet.</summary>
    public long Remaining => _unread + (_end - _start);

    public async ValueTask<byte> ReadByteAsync(string field, CancellationToken cancellationToken)
    {
        await EnsureBufferedAsync(1, field, cancellationToken);
        return _buffer[_start++];
    }

    public async ValueTask<bool> ReadBoolAsync(string field, CancellationToken cancellationToken) =>
        await ReadByteAsync(field, cancellationToken) switch
        {
            0 => false,
            1 => true,
            var other => throw Invalid($"{field} is {other}, not a boolean"),
        };

    public async ValueTask<int> ReadInt32Async(string field, CancellationToken cancellationToken)
    {
        await EnsureBufferedAsync(sizeof(int), field, cancellationToken);
        var value = BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(_start));
        _start += sizeof(int);
        return value;
    }

    public async ValueTask<uint> ReadUInt32Async(string field, CancellationToken cancellationToken) =>
        unchecked((uint)await ReadInt32Async(field, cancellationToken));

    public async ValueTask<float> ReadSingleAsync(string field, CancellationToken cancellationToken) =>
        BitConverter.Int32BitsToSingle(await ReadInt32Async(field, cancellationToken));

    public async ValueTask<long> ReadInt64Async(string field, CancellationToken cancellationToken)
    {
        await EnsureBufferedAsync(sizeof(long), field, cancellationToken);
        var value = BinaryPrimitives.ReadInt64LittleEndian(_buffer.AsSpan(_start));
        _start += sizeof(long);
        return value;
    }

    /// <summary>A size_t field that must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public async ValueTask<int> ReadSizeAsync(string field, long min, long max, CancellationToken cancellationToken)
    {
        var value = (ulong)await ReadInt64Async(field, cancellationToken);
        if (value < (ulong)min || value > (ulong)max)
            throw Invalid($"{field} is {value}, expected {min}..{max}");
        return (int)value;
    }

    /// <summary>
    /// faiss's std::vector: a size_t count then the elements. <paramref name="expectedCount"/>, when given, is the
    /// count the rest of the file implies.
    /// </summary>
    public async ValueTask<T[]> ReadVectorAsync<T>(string field, long? expectedCount, CancellationToken cancellationToken) where T : unmanaged
    {
        var count = (ulong)await ReadInt64Async($"{field} size", cancellationToken);
        if (expectedCount is { } expected && count != (ulong)expected)
            throw Invalid($"{field} holds {count} elements, expected {expected}");
        var array = Allocate<T>(count, field);
        await ReadIntoAsync(array, field, cancellationToken);
        return array;
    }

    /// <summary>Skips a std::vector the model does not need (e.g. a direct map), without allocating it.</summary>
    public async ValueTask SkipVectorAsync(string field, int elementSize, CancellationToken cancellationToken)
    {
        var count = (ulong)await ReadInt64Async($"{field} size", cancellationToken);
        var bytes = CheckFits(count, elementSize, field);
        await SkipAsync(bytes, field, cancellationToken);
    }

    /// <summary>An array of <paramref name="count"/> elements, allocated only when the file still holds that many bytes.</summary>
    public T[] Allocate<T>(ulong count, string field) where T : unmanaged
    {
        CheckFits(count, Marshal.SizeOf<T>(), field);
        if (count > (ulong)Array.MaxLength) throw Invalid($"{field} holds {count} elements, more than an array can");
        return new T[count];
    }

    /// <summary>Fills <paramref name="array"/> from the file.</summary>
    public async ValueTask ReadIntoAsync<T>(T[] array, string field, CancellationToken cancellationToken) where T : unmanaged
    {
        var total = (long)array.Length * Marshal.SizeOf<T>();
        CheckFits((ulong)array.Length, Marshal.SizeOf<T>(), field);
        long done = 0;
        while (done < total)
        {
            if (_start == _end) await FillAsync(field, cancellationToken);
            var chunk = (int)Math.Min(_end - _start, total - done);
            _buffer.AsSpan(_start, chunk).CopyTo(ByteWindow(array, done, chunk));
            _start += chunk;
            done += chunk;
        }
    }

    /// <summary>Reads <paramref name="count"/> int64 ids into 32-bit ids, each in [0, <paramref name="limit"/>).</summary>
    public async ValueTask ReadIdsAsync(int[] ids, long limit, string field, CancellationToken cancellationToken)
    {
        CheckFits((ulong)ids.Length, sizeof(long), field);
        var done = 0;
        while (done < ids.Length)
        {
            await EnsureBufferedAsync(sizeof(long), field, cancellationToken);
            var available = Math.Min((_end - _start) / sizeof(long), ids.Length - done);
            var source = MemoryMarshal.Cast<byte, long>(_buffer.AsSpan(_start, available * sizeof(long)));
            foreach (var id in source)
            {
                if (id < 0 || id >= limit) throw Invalid($"{field} holds id {id}, outside 0..{limit - 1}");
                ids[done++] = (int)id;
            }
            _start += available * sizeof(long);
        }
    }

    /// <summary>
    /// <paramref name="length"/> bytes of <paramref name="array"/> from byte <paramref name="offset"/>: a span of bytes
    /// cannot cover an array of more than 2 GiB, so the window starts at the element holding the offset.
    /// </summary>
    internal static Span<byte> ByteWindow<T>(T[] array, long offset, int length) where T : unmanaged
    {
        var size = Marshal.SizeOf<T>();
        var element = (int)(offset / size);
        var elements = Math.Min(array.Length - element, (length + size - 1) / size + 1);
        return MemoryMarshal.AsBytes(array.AsSpan(element, elements)).Slice((int)(offset % size), length);
    }

    public InvalidDataException Invalid(string problem) => new($"{_name}: {problem}.");

    private long CheckFits(ulong count, int elementSize, string field)
    {
        if (count > (ulong)(Remaining / elementSize))
            throw Invalid($"{field} claims {count} elements of {elementSize} bytes but only {Remaining} bytes remain (the file is truncated or corrupted)");
        return (long)count * elementSize;
    }

    private async ValueTask SkipAsync(long bytes, string field, CancellationToken cancellationToken)
    {
        while (bytes > 0)
        {
            if (_start == _end) await FillAsync(field, cancellationToken);
            var chunk = (int)Math.Min(_end - _start, bytes);
            _start += chunk;
            bytes -= chunk;
        }
    }

    private async ValueTask EnsureBufferedAsync(int bytes, string field, CancellationToken cancellationToken)
    {
        while (_end - _start < bytes) await FillAsync(field, cancellationToken);
    }

    /// <summary>Reads more of the file into the buffer, keeping the bytes not consumed yet.</summary>
    private async ValueTask FillAsync(string field, CancellationToken cancellationToken)
    {
        if (_unread == 0) throw Invalid($"the file ends inside {field} (truncated)");
        var kept = _end - _start;
        _buffer.AsSpan(_start, kept).CopyTo(_buffer);
        _start = 0;
        _end = kept;
        var wanted = (int)Math.Min(BufferSize - kept, _unread);
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end, wanted), cancellationToken);
        if (read == 0) throw Invalid($"the data ends inside {field}, {_unread} bytes before the file's stated length (truncated)");
        _end += read;
        _unread -= read;
    }
}
