using KnnCli.Core.Targets;

namespace KnnCli.Core.Data;

/// <summary>
/// Splits a CSV into N balanced parts for ShardedByS3Key training: row r goes to part r mod N, so part sizes differ by
/// at most one row whatever the file's order. It streams bytes: one read buffer (grown only for a line longer than it)
/// and one write buffer per part, so memory does not depend on the file's size. Lines are copied byte for byte;
/// blank lines and a leading UTF-8 byte order mark are dropped, and a last line without a line break gets one.
/// </summary>
public static class CsvSharder
{
    private const int ReadBufferBytes = 1 << 20;
    private const int WriteBufferBytes = 1 << 16;

    /// <summary>Writes the rows of <paramref name="input"/> round-robin into <paramref name="parts"/>; returns the rows per part.</summary>
    public static async Task<long[]> SplitAsync(Stream input, IReadOnlyList<Stream> parts, string displayName, IProgressReporter? progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts.Count, 1);
        var writers = new PartWriter[parts.Count];
        for (var i = 0; i < writers.Length; i++) writers[i] = new PartWriter(parts[i]);
        var rows = new long[parts.Count];
        var buffer = new byte[ReadBufferBytes];
        int start = 0, end = 0;
        var endOfStream = false;
        var firstRead = true;
        long consumed = 0;
        long row = 0;

        while (true)
        {
            var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (newline < 0 && !endOfStream)
            {
                // Move the unfinished line to the front (growing the buffer for a line longer than it) and read on.
                var pending = end - start;
                if (pending == buffer.Length)
                {
                    if (buffer.Length >= NumericCsvReader.MaxLineBytes)
                        throw DataErrors.InFile(displayName, $"a line is longer than {NumericCsvReader.MaxLineBytes >> 20} MB");
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
                buffer.AsSpan(start, pending).CopyTo(buffer);
                (start, end) = (0, pending);
                var read = await input.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                if (read == 0) endOfStream = true;
                end += read;
                if (firstRead && end >= 3 && buffer.AsSpan(0, 3).SequenceEqual("\uFEFF"u8)) start = 3;
                firstRead = false;
                continue;
            }

            var length = newline < 0 ? end - start : newline;
            if (newline < 0 && length == 0) break;
            var line = buffer.AsMemory(start, length);
            start += newline < 0 ? length : length + 1;
            consumed += newline < 0 ? length : length + 1;
            if (line.Span.IndexOfAnyExcept(" \t\r\f\v"u8) < 0) continue;

            var part = (int)(row % parts.Count);
            await writers[part].WriteLineAsync(line, cancellationToken).ConfigureAwait(false);
            rows[part]++;
            row++;
            if ((row & 0xFFFF) == 0) progress?.Report(consumed);
        }

        foreach (var writer in writers) await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        progress?.Report(consumed);
        return rows;
    }

    /// <summary>A part's own write buffer, so each line costs a copy and no allocation.</summary>
    private sealed class PartWriter(Stream output)
    {
        private readonly byte[] _buffer = new byte[WriteBufferBytes];
        private int _used;

        /// <summary>Copies into the buffer without an await (no state machine, in any build) unless it must flush.</summary>
        public ValueTask WriteLineAsync(ReadOnlyMemory<byte> line, CancellationToken cancellationToken)
        {
            if (_used + line.Length + 1 > _buffer.Length) return FlushAndWriteAsync(line, cancellationToken);
            Append(line.Span);
            return ValueTask.CompletedTask;
        }

        private async ValueTask FlushAndWriteAsync(ReadOnlyMemory<byte> line, CancellationToken cancellationToken)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            if (line.Length + 1 <= _buffer.Length)
            {
                Append(line.Span);
                return;
            }
            await output.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            _buffer[_used++] = (byte)'\n';
        }

        private void Append(ReadOnlySpan<byte> line)
        {
            line.CopyTo(_buffer.AsSpan(_used));
            _used += line.Length;
            _buffer[_used++] = (byte)'\n';
        }

        public async ValueTask FlushAsync(CancellationToken cancellationToken)
        {
            if (_used == 0) return;
            await output.WriteAsync(_buffer.AsMemory(0, _used), cancellationToken).ConfigureAwait(false);
            _used = 0;
        }
    }
}
