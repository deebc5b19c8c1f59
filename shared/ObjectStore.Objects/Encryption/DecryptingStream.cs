using System.Buffers;
using System.Security.Cryptography;

namespace ObjectStore.Objects.Encryption;

/// <summary>
/// A write-only stream the data store writes sealed blocks into (those a <see cref="CipherRange"/>
/// names); it opens each block as it completes, in pooled buffers, and writes only the requested
/// plaintext range on to the destination. A block that fails authentication throws
/// <see cref="EncryptedDataException"/> before any of its bytes go out: never wrong bytes.
/// </summary>
internal sealed class DecryptingStream : Stream
{
    private readonly Stream _destination;
    private readonly AesGcm _aes;
    private readonly long _plainLength;
    private byte[]? _sealed = ArrayPool<byte>.Shared.Rent(BlockFormat.SealedBlockSize);
    private byte[]? _plain = ArrayPool<byte>.Shared.Rent(BlockFormat.BlockSize);
    private long _blockIndex;
    private int _filled;
    private int _skip;
    private long _remaining;

    /// <param name="plainLength">Plaintext bytes of the whole data (block sizes and the last block follow from it).</param>
    /// <param name="range">The stored blocks that will be written in.</param>
    /// <param name="length">Plaintext bytes to pass on, from <see cref="CipherRange.Skip"/> in the first block.</param>
    public DecryptingStream(Stream destination, ReadOnlySpan<byte> key, long plainLength, CipherRange range, long length)
    {
        _destination = destination;
        _aes = new AesGcm(key, BlockFormat.TagSize);
        _plainLength = plainLength;
        _blockIndex = range.FirstBlock;
        _skip = range.Skip;
        _remaining = length;
    }

    /// <summary>Throws unless every requested plaintext byte was opened and passed on.</summary>
    public void EnsureComplete()
    {
        if (_remaining != 0 || _filled != 0)
            throw new EncryptedDataException($"Encrypted data ended early: {_remaining} plaintext bytes of the range were not received.");
    }

    private int CurrentSealedLength => BlockFormat.PlainBlockLength(_plainLength, _blockIndex) + BlockFormat.TagSize;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_sealed is null, this);
        while (buffer.Length > 0)
        {
            if (_remaining == 0)
                throw new EncryptedDataException("More encrypted data than the range needs.");
            var want = CurrentSealedLength - _filled;
            var n = Math.Min(want, buffer.Length);
            buffer.Span[..n].CopyTo(_sealed.AsSpan(_filled));
            _filled += n;
            buffer = buffer[n..];
            if (_filled == CurrentSealedLength)
            {
                var (start, count) = OpenBlock();
                await _destination.WriteAsync(_plain.AsMemory(start, count), cancellationToken);
            }
        }
    }

    /// <summary>Opens the buffered block and returns the slice of it the range wants.</summary>
    private (int Start, int Count) OpenBlock()
    {
        var plainBlock = CurrentSealedLength - BlockFormat.TagSize;
        var last = _blockIndex == BlockFormat.BlockCount(_plainLength) - 1;
        Span<byte> nonce = stackalloc byte[BlockFormat.NonceSize];
        Span<byte> associated = stackalloc byte[BlockFormat.AssociatedDataSize];
        BlockFormat.Nonce(nonce, _blockIndex);
        BlockFormat.AssociatedData(associated, _blockIndex, last);
        try
        {
            _aes.Decrypt(nonce, _sealed.AsSpan(0, plainBlock), _sealed.AsSpan(plainBlock, BlockFormat.TagSize), _plain.AsSpan(0, plainBlock), associated);
        }
        catch (CryptographicException ex)
        {
            throw new EncryptedDataException($"Encrypted block {_blockIndex} failed authentication (damaged, reordered or under another key).", ex);
        }
        var start = _skip;
        var count = (int)Math.Min(plainBlock - start, _remaining);
        _skip = 0;
        _remaining -= count;
        _filled = 0;
        _blockIndex++;
        return (start, count);
    }

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() => _destination.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => _destination.FlushAsync(cancellationToken);
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _sealed is not null)
        {
            CryptographicOperations.ZeroMemory(_plain);
            ArrayPool<byte>.Shared.Return(_sealed);
            ArrayPool<byte>.Shared.Return(_plain!);
            _sealed = null;
            _plain = null;
            _aes.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>Encrypted data that does not open: damaged, reordered, truncated, or under another key.</summary>
public sealed class EncryptedDataException(string message, Exception? inner = null) : Exception(message, inner);
