using System.Buffers;

namespace StatefulSpot.Emulator.Persistence;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> that hands out one pooled chunk and writes it to a stream whenever it is full, so a
/// <see cref="System.Text.Json.Utf8JsonWriter"/> on top streams a document of any size through a fixed buffer. (A
/// <c>Utf8JsonWriter</c> built on the stream itself keeps everything in a growing array until it is flushed.)
/// </summary>
internal sealed class FileChunkWriter(Stream stream) : IBufferWriter<byte>, IDisposable
{
    private const int ChunkSize = 64 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
    private int _written;

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_written + count > _buffer.Length)
        {
            throw new InvalidOperationException("Advanced past the end of the buffer.");
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => _buffer.AsMemory(Reserve(sizeHint));

    public Span<byte> GetSpan(int sizeHint = 0) => _buffer.AsSpan(Reserve(sizeHint));

    /// <summary>Writes what is buffered to the stream.</summary>
    public void Flush()
    {
        if (_written > 0)
        {
            stream.Write(_buffer, 0, _written);
            _written = 0;
        }
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Makes room for at least <paramref name="sizeHint"/> bytes (at least one) and answers where they start.</summary>
    private int Reserve(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        var needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed)
        {
            return _written;
        }

        Flush();
        if (_buffer.Length < needed)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(needed);
        }

        return 0;
    }
}
