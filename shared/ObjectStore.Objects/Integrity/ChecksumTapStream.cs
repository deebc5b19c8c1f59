namespace ObjectStore.Objects.Integrity;

/// <summary>
/// Pass-through read-only stream that computes a flexible checksum of the bytes read through it, for
/// data the server copies itself (UploadPartCopy): nothing to verify, the value is stored. The
/// request-side counterpart that verifies what a client sent is the protocol's ChecksummingStream.
/// </summary>
internal sealed class ChecksumTapStream(Stream inner, ChecksumAlgorithm algorithm) : Stream
{
    private readonly ChecksumCalculator _calculator = new(algorithm);

    /// <summary>The algorithm of <see cref="ChecksumBase64"/>.</summary>
    public ChecksumAlgorithm? Algorithm { get; } = algorithm;

    /// <summary>The checksum (base64) of everything read, once the inner stream has ended; null before.</summary>
    public string? ChecksumBase64 { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Observe(buffer.Span[..n], buffer.Length);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = inner.Read(buffer, offset, count);
        Observe(buffer.AsSpan(offset, n), count);
        return n;
    }

    private void Observe(ReadOnlySpan<byte> read, int asked)
    {
        if (read.Length > 0)
            _calculator.Append(read);
        else if (asked > 0 && ChecksumBase64 is null)
            ChecksumBase64 = _calculator.GetBase64();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _calculator.Dispose();
        base.Dispose(disposing);
    }
}
