using System.Buffers;

namespace KnnCli.Serving.Contract;

/// <summary>
/// A growable buffer over <see cref="ArrayPool{T}"/> arrays, reused from request to request: request bodies,
/// parsed rows, prediction outputs and the response all live in these, so steady traffic allocates nothing.
/// </summary>
internal sealed class PooledBuffer<T> : IBufferWriter<T>
{
    private T[] _array = [];
    private int _count;

    public int Count => _count;

    public ReadOnlySpan<T> WrittenSpan => _array.AsSpan(0, _count);

    public ReadOnlyMemory<T> WrittenMemory => _array.AsMemory(0, _count);

    public void Add(T value)
    {
        if (_count == _array.Length) Grow(1);
        _array[_count++] = value;
    }

    public void Append(ReadOnlySpan<T> values)
    {
        values.CopyTo(GetSpan(values.Length));
        _count += values.Length;
    }

    /// <summary>Clears the buffer and hands out its first <paramref name="length"/> items to fill (stale contents).</summary>
    public Span<T> ClearAndTake(int length)
    {
        _count = 0;
        var span = GetSpan(length)[..length];
        _count = length;
        return span;
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_count + count > _array.Length) throw new InvalidOperationException("Advanced past the end of the buffer.");
        _count += count;
    }

    public Memory<T> GetMemory(int sizeHint = 0)
    {
        EnsureFree(sizeHint);
        return _array.AsMemory(_count);
    }

    public Span<T> GetSpan(int sizeHint = 0)
    {
        EnsureFree(sizeHint);
        return _array.AsSpan(_count);
    }

    /// <summary>Reserves room for <paramref name="capacity"/> items ahead of filling (e.g. a declared Content-Length).</summary>
    public void EnsureCapacity(int capacity)
    {
        if (capacity > _array.Length) Grow(capacity - _count);
    }

    /// <summary>Empties the buffer and gives its array back to the pool (so an idle pooled buffer holds nothing big).</summary>
    public void Release()
    {
        if (_array.Length > 0) ArrayPool<T>.Shared.Return(_array);
        _array = [];
        _count = 0;
    }

    private void EnsureFree(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_array.Length - _count < needed) Grow(needed);
    }

    private void Grow(int needed)
    {
        var size = Math.Max(Math.Max(_array.Length * 2, _count + needed), 256);
        var larger = ArrayPool<T>.Shared.Rent(size);
        _array.AsSpan(0, _count).CopyTo(larger);
        if (_array.Length > 0) ArrayPool<T>.Shared.Return(_array);
        _array = larger;
    }
}
