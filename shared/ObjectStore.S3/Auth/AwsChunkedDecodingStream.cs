using System.Buffers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using ObjectStore.Objects.Errors;

namespace ObjectStore.S3.Auth;

/// <summary>
/// Removes aws-chunked framing (<c>hex-size[;chunk-signature=sig]\r\n data \r\n ... 0[;sig]\r\n
/// trailers \r\n</c>) while reading, verifying each chunk signature incrementally (an
/// <see cref="IncrementalHash"/> over the chunk bytes; a chunk is never buffered whole) and the
/// trailer signature. Chunk data is returned as it arrives; a failed check throws
/// <see cref="S3Exception"/> on a later read, always before the stream reports its end.
/// </summary>
internal sealed partial class AwsChunkedDecodingStream : ReadOnlyStream
{
    private const int BufferSize = 16 * 1024;
    private const int MaxLineLength = 4 * 1024;
    private const int MaxTrailerBytes = 16 * 1024;

    private readonly Stream _inner;
    private readonly ChunkSignatureChain? _chain;
    private readonly bool _trailerAllowed;
    private readonly long? _declaredLength;
    private readonly Dictionary<string, string> _trailers;
    private readonly IncrementalHash? _chunkHash;
    private readonly byte[] _chunkSignature = new byte[32];
    private byte[]? _buffer;
    private int _start;
    private int _end;
    private bool _innerEnded;
    private State _state = State.ChunkHeader;
    private long _chunkRemaining;
    private long _decoded;

    private enum State
    {
        ChunkHeader,
        ChunkData,
        Trailer,
        Done,
    }

    /// <param name="inner">The raw request body.</param>
    /// <param name="chain">The signature chain for signed modes; null for STREAMING-UNSIGNED-PAYLOAD-TRAILER.</param>
    /// <param name="trailerAllowed">Whether trailing headers may follow the last chunk.</param>
    /// <param name="declaredLength">x-amz-decoded-content-length, checked at the end.</param>
    /// <param name="trailers">Filled with the trailing headers (lower-case names) once the end is read.</param>
    public AwsChunkedDecodingStream(Stream inner, ChunkSignatureChain? chain, bool trailerAllowed, long? declaredLength, Dictionary<string, string> trailers)
    {
        _inner = inner;
        _chain = chain;
        _trailerAllowed = trailerAllowed;
        _declaredLength = declaredLength;
        _trailers = trailers;
        _chunkHash = chain is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_buffer is null, this);
        if (buffer.Length == 0)
        {
            return 0;
        }

        while (true)
        {
            switch (_state)
            {
                case State.ChunkHeader:
                    await ReadChunkHeaderAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case State.ChunkData when _chunkRemaining == 0:
                    await FinishChunkAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case State.ChunkData:
                    return await ReadChunkDataAsync(buffer, cancellationToken).ConfigureAwait(false);
                case State.Trailer:
                    await ReadTrailerAsync(cancellationToken).ConfigureAwait(false);
                    CheckDecodedLength(final: true);
                    _state = State.Done;
                    break;
                default:
                    return 0;
            }
        }
    }

    private async ValueTask ReadChunkHeaderAsync(CancellationToken cancellationToken)
    {
        int length = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (length < 0)
        {
            throw Incomplete();
        }

        ReadOnlySpan<byte> line = _buffer.AsSpan(_lineStart, length);
        ChunkHeaderResult header = ParseChunkHeader(line, _chunkSignature, out long size);
        if (header == ChunkHeaderResult.Malformed)
        {
            throw S3Errors.Error(S3Errors.InvalidRequest, "The aws-chunked body has a malformed chunk header.");
        }

        if (_chain is not null && header != ChunkHeaderResult.Signed)
        {
            throw S3Errors.Error(S3Errors.SignatureDoesNotMatch, "A chunk of the aws-chunked body carries no valid chunk-signature.");
        }

        if (size > 0)
        {
            _chunkRemaining = size;
            _state = State.ChunkData;
            return;
        }

        // The final, empty chunk: its signature closes the payload chain.
        if (_chain is not null && !_chain.VerifyChunk(SHA256.HashData(ReadOnlySpan<byte>.Empty), _chunkSignature))
        {
            throw S3Errors.Error(S3Errors.SignatureDoesNotMatch);
        }

        _state = State.Trailer;
    }

    private async ValueTask<int> ReadChunkDataAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        int want = (int)Math.Min(destination.Length, _chunkRemaining);
        int n;
        if (_end > _start)
        {
            n = Math.Min(want, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(destination.Span);
            _start += n;
        }
        else
        {
            // Nothing buffered: read straight into the caller's memory, never past the chunk.
            n = _innerEnded ? 0 : await ReadInnerAsync(destination[..want], cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                _innerEnded = true;
                throw Incomplete();
            }
        }

        _chunkHash?.AppendData(destination.Span[..n]);
        _chunkRemaining -= n;
        _decoded += n;
        CheckDecodedLength(final: false);
        return n;
    }

    private async ValueTask FinishChunkAsync(CancellationToken cancellationToken)
    {
        int length = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (length < 0)
        {
            throw Incomplete();
        }

        if (length != 0)
        {
            throw S3Errors.Error(S3Errors.InvalidRequest, "The aws-chunked body has more data in a chunk than its header declares.");
        }

        if (_chain is not null)
        {
            Span<byte> hash = stackalloc byte[32];
            _chunkHash!.GetHashAndReset(hash);
            if (!_chain.VerifyChunk(hash, _chunkSignature))
            {
                throw S3Errors.Error(S3Errors.SignatureDoesNotMatch);
            }
        }

        _state = State.ChunkHeader;
    }

    private void CheckDecodedLength(bool final)
    {
        if (_declaredLength is not long declared)
        {
            return;
        }

        if (_decoded > declared)
        {
            throw S3Errors.Error(S3Errors.InvalidRequest, "The aws-chunked body is longer than x-amz-decoded-content-length.");
        }

        if (final && _decoded < declared)
        {
            throw Incomplete();
        }
    }

    private static S3Exception Incomplete() =>
        S3Errors.Error(S3Errors.IncompleteBody, "The aws-chunked body ended before its last chunk.");

    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
            _chunkHash?.Dispose();
        }

        base.Dispose(disposing);
    }
}
