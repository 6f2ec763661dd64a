using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace KnnCli.Engine.ModelFiles;

/// <summary>Writes faiss's little-endian fields to a stream through one small buffer.</summary>
internal sealed class FaissBinaryWriter(Stream stream)
{
    private const int BufferSize = 64 * 1024;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _used;

    public ValueTask WriteByteAsync(byte value, CancellationToken cancellationToken) => WriteAsync([value], cancellationToken);

    public ValueTask WriteBoolAsync(bool value, CancellationToken cancellationToken) => WriteByteAsync(value ? (byte)1 : (byte)0, cancellationToken);

    public ValueTask WriteInt32Async(int value, CancellationToken cancellationToken)
    {
        Span<byte> bytes = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return WriteAsync(bytes, cancellationToken);
    }

    public ValueTask WriteUInt32Async(uint value, CancellationToken cancellationToken) => WriteInt32Async(unchecked((int)value), cancellationToken);

    public ValueTask WriteInt64Async(long value, CancellationToken cancellationToken)
    {
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return WriteAsync(bytes, cancellationToken);
    }

    /// <summary>faiss's std::vector: a size_t count then the elements.</summary>
    public async ValueTask WriteVectorAsync<T>(T[] values, CancellationToken cancellationToken) where T : unmanaged
    {
        await WriteInt64Async(values.Length, cancellationToken);
        await WriteArrayAsync(values, cancellationToken);
    }

    public async ValueTask WriteArrayAsync<T>(T[] values, CancellationToken cancellationToken) where T : unmanaged
    {
        var total = (long)values.Length * Marshal.SizeOf<T>();
        long done = 0;
        while (done < total)
        {
            if (_used == BufferSize) await FlushAsync(cancellationToken);
            var chunk = (int)Math.Min(BufferSize - _used, total - done);
            FaissBinaryReader.ByteWindow(values, done, chunk).CopyTo(_buffer.AsSpan(_used));
            _used += chunk;
            done += chunk;
        }
    }

    /// <summary>32-bit ids as faiss's 64-bit idx_t.</summary>
    public async ValueTask WriteIdsAsync(int[] ids, CancellationToken cancellationToken)
    {
        foreach (var id in ids) await WriteInt64Async(id, cancellationToken);
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await stream.WriteAsync(_buffer.AsMemory(0, _used), cancellationToken);
        _used = 0;
    }

    private ValueTask WriteAsync(ReadOnlySpan<byte> bytes, CancellationToken cancellationToken)
    {
        if (BufferSize - _used >= bytes.Length)
        {
            bytes.CopyTo(_buffer.AsSpan(_used));
            _used += bytes.Length;
            return ValueTask.CompletedTask;
        }
        var copy = bytes.ToArray();
        return FlushThenWriteAsync(copy, cancellationToken);
    }

    private async ValueTask FlushThenWriteAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        bytes.CopyTo(_buffer.AsSpan(_used));
        _used += bytes.Length;
    }
}
