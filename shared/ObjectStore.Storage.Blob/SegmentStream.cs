namespace ObjectStore.Storage.Blob;

/// <summary>
/// A read-only, seekable stream over memory segments, so a gathered write uploads as one request
/// body without copying (seekable: the SDK rewinds it to retry).
/// </summary>
internal sealed class SegmentStream : Stream
{
    private readonly IReadOnlyList<ReadOnlyMemory<byte>> _segments;
    private readonly long _length;
    private long _position;

    public SegmentStream(IReadOnlyList<ReadOnlyMemory<byte>> segments)
    {
        _segments = segments;
        foreach (var segment in segments)
            _length += segment.Length;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var copied = 0;
        long start = 0;
        foreach (var segment in _segments)
        {
            if (copied == buffer.Length)
                break;
            var end = start + segment.Length;
            if (_position < end)
            {
                var from = (int)(_position - start);
                var n = Math.Min(segment.Length - from, buffer.Length - copied);
                segment.Span.Slice(from, n).CopyTo(buffer[copied..]);
                copied += n;
                _position += n;
            }
            start = end;
        }
        return copied;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => _length + offset,
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        return _position = target;
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => _length;
    public override long Position { get => _position; set => Seek(value, SeekOrigin.Begin); }
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
