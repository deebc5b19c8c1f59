using System.Buffers;
using System.Security.Cryptography;

namespace ObjectStore.Objects.Encryption;

/// <summary>
/// A read-only stream over a plaintext source that yields its sealed form (<see cref="BlockFormat"/>),
/// one block at a time from pooled buffers. It counts and MD5-hashes the plaintext as it passes, so
/// the ETag and Content-MD5 stay over the plaintext while the data store sees only ciphertext.
/// </summary>
internal sealed class EncryptingStream : Stream
{
    private readonly Stream _source;
    private readonly AesGcm _aes;
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private byte[]? _plain = ArrayPool<byte>.Shared.Rent(BlockFormat.BlockSize);
    private byte[]? _sealed = ArrayPool<byte>.Shared.Rent(BlockFormat.SealedBlockSize);
    private int _sealedStart;
    private int _sealedEnd;
    private long _blockIndex;
    private bool _finished;
    private int _carry = -1;
    private byte[]? _md5Value;

    public EncryptingStream(Stream source, ReadOnlySpan<byte> key)
    {
        _source = source;
        _aes = new AesGcm(key, BlockFormat.TagSize);
    }

    /// <summary>Plaintext bytes read from the source so far.</summary>
    public long PlaintextLength { get; private set; }

    /// <summary>MD5 of the plaintext; only once the source has been read to its end.</summary>
    public byte[] PlaintextMd5 => _md5Value ?? throw new InvalidOperationException("The source has not been read to its end.");

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_sealed is null, this);
        if (buffer.Length == 0)
            return 0;
        if (_sealedStart == _sealedEnd)
        {
            if (_finished)
                return 0;
            await SealNextBlockAsync(cancellationToken);
        }
        var n = Math.Min(buffer.Length, _sealedEnd - _sealedStart);
        _sealed.AsSpan(_sealedStart, n).CopyTo(buffer.Span);
        _sealedStart += n;
        return n;
    }

    /// <summary>Fills one plaintext block (reading one byte ahead to know whether it is the last) and seals it.</summary>
    private async ValueTask SealNextBlockAsync(CancellationToken cancellationToken)
    {
        var plain = _plain!;
        var filled = 0;
        if (_carry >= 0)
        {
            plain[0] = (byte)_carry;
            filled = 1;
            _carry = -1;
        }
        while (filled < BlockFormat.BlockSize)
        {
            var n = await _source.ReadAsync(plain.AsMemory(filled, BlockFormat.BlockSize - filled), cancellationToken);
            if (n == 0)
                break;
            filled += n;
        }
        var last = filled < BlockFormat.BlockSize;
        if (!last)
        {
            var one = ArrayPool<byte>.Shared.Rent(1);
            try
            {
                var n = await _source.ReadAsync(one.AsMemory(0, 1), cancellationToken);
                if (n == 0)
                    last = true;
                else
                    _carry = one[0];
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(one);
            }
        }
        Seal(filled, last);
    }

    private void Seal(int length, bool last)
    {
        var plain = _plain.AsSpan(0, length);
        _md5.AppendData(plain);
        PlaintextLength += length;
        Span<byte> nonce = stackalloc byte[BlockFormat.NonceSize];
        Span<byte> associated = stackalloc byte[BlockFormat.AssociatedDataSize];
        BlockFormat.Nonce(nonce, _blockIndex);
        BlockFormat.AssociatedData(associated, _blockIndex, last);
        _aes.Encrypt(nonce, plain, _sealed.AsSpan(0, length), _sealed.AsSpan(length, BlockFormat.TagSize), associated);
        _sealedStart = 0;
        _sealedEnd = length + BlockFormat.TagSize;
        _blockIndex++;
        if (last)
        {
            _finished = true;
            _md5Value = _md5.GetHashAndReset();
        }
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _sealed is not null)
        {
            CryptographicOperations.ZeroMemory(_plain);
            ArrayPool<byte>.Shared.Return(_plain!);
            ArrayPool<byte>.Shared.Return(_sealed);
            _plain = null;
            _sealed = null;
            _aes.Dispose();
            _md5.Dispose();
        }
        base.Dispose(disposing);
    }
}
