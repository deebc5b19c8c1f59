using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using ObjectStore.Objects.Errors;

namespace ObjectStore.S3.Auth;

/// <summary>Line reading, chunk-header parsing and the trailer section of aws-chunked bodies.</summary>
internal sealed partial class AwsChunkedDecodingStream
{
    private int _lineStart;

    internal enum ChunkHeaderResult
    {
        Malformed,
        Unsigned,
        Signed,
    }

    /// <summary>
    /// Parses <c>hex-size[;name=value]*</c>. Returns <see cref="ChunkHeaderResult.Signed"/> when a
    /// well-formed chunk-signature extension was written to <paramref name="signature"/>.
    /// </summary>
    internal static ChunkHeaderResult ParseChunkHeader(ReadOnlySpan<byte> line, Span<byte> signature, out long size)
    {
        size = 0;
        int i = 0;
        for (; i < line.Length; i++)
        {
            int digit = HexValue(line[i]);
            if (digit < 0)
            {
                break;
            }

            if (i >= 15)
            {
                return ChunkHeaderResult.Malformed; // 2^60 bytes is beyond any chunk
            }

            size = (size << 4) | (uint)digit;
        }

        if (i == 0)
        {
            return ChunkHeaderResult.Malformed;
        }

        ReadOnlySpan<byte> rest = line[i..];
        var result = ChunkHeaderResult.Unsigned;
        while (!rest.IsEmpty)
        {
            if (rest[0] != (byte)';')
            {
                return ChunkHeaderResult.Malformed;
            }

            rest = rest[1..];
            int next = rest.IndexOf((byte)';');
            ReadOnlySpan<byte> extension = next < 0 ? rest : rest[..next];
            rest = next < 0 ? [] : rest[next..];
            if (extension.StartsWith("chunk-signature="u8))
            {
                result = SigV4Crypto.TryParseSignature(extension["chunk-signature="u8.Length..], signature)
                    ? ChunkHeaderResult.Signed
                    : ChunkHeaderResult.Unsigned;
            }
        }

        return result;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    /// <summary>
    /// Reads one CRLF-terminated line into the buffer; the line is at <c>_buffer[_lineStart..+length]</c>.
    /// Returns -1 at the end of the body; with <paramref name="allowUnterminated"/> a last line without
    /// CRLF is returned as a line.
    /// </summary>
    private async ValueTask<int> ReadLineAsync(CancellationToken cancellationToken, bool allowUnterminated = false)
    {
        int searched = 0;
        while (true)
        {
            ReadOnlySpan<byte> window = _buffer.AsSpan(_start, _end - _start);
            int crlf = window[searched..].IndexOf("\r\n"u8);
            if (crlf >= 0)
            {
                int length = searched + crlf;
                _lineStart = _start;
                _start += length + 2;
                return length;
            }

            searched = Math.Max(0, window.Length - 1);
            if (window.Length >= MaxLineLength)
            {
                throw S3Errors.Error(S3Errors.InvalidRequest, "The aws-chunked body has a header line that is too long.");
            }

            if (_innerEnded || !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                _innerEnded = true;
                int left = _end - _start;
                if (left == 0 || !allowUnterminated)
                {
                    return -1;
                }

                _lineStart = _start;
                _start = _end;
                return left;
            }
        }
    }

    /// <summary>Compacts the buffer and reads more of the body; false at its end.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        byte[] buffer = _buffer!;
        if (_start > 0)
        {
            Buffer.BlockCopy(buffer, _start, buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        int n = await ReadInnerAsync(buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        _end += n;
        return n > 0;
    }

    private async ValueTask<int> ReadInnerAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        try
        {
            return await _inner.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException)
        {
            // Kestrel: the connection closed before Content-Length bytes arrived.
            throw Incomplete();
        }
    }

    private async ValueTask ReadTrailerAsync(CancellationToken cancellationToken)
    {
        var canonical = new StringBuilder();
        bool hasSignature = false;
        byte[] signature = new byte[32];
        int total = 0;
        while (true)
        {
            int length = await ReadLineAsync(cancellationToken, allowUnterminated: true).ConfigureAwait(false);
            if (length <= 0)
            {
                break; // the empty line that ends the body, or its end without one
            }

            total += length;
            if (total > MaxTrailerBytes || !_trailerAllowed)
            {
                throw S3Errors.Error(S3Errors.MalformedTrailerError);
            }

            ReadOnlySpan<byte> line = _buffer.AsSpan(_lineStart, length);
            int colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                throw S3Errors.Error(S3Errors.MalformedTrailerError);
            }

            string name = Encoding.ASCII.GetString(line[..colon].Trim(" \t"u8)).ToLowerInvariant();
            string value = Encoding.UTF8.GetString(line[(colon + 1)..].Trim(" \t"u8));
            if (name == "x-amz-trailer-signature")
            {
                if (!SigV4Crypto.TryParseSignature(value.AsSpan(), signature))
                {
                    throw S3Errors.Error(S3Errors.SignatureDoesNotMatch, "The x-amz-trailer-signature is malformed.");
                }

                hasSignature = true;
                continue;
            }

            _trailers[name] = value;
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        if (_chain is null)
        {
            return;
        }

        if (!hasSignature)
        {
            if (_trailers.Count > 0)
            {
                throw S3Errors.Error(S3Errors.SignatureDoesNotMatch, "The trailing headers carry no x-amz-trailer-signature.");
            }

            return;
        }

        byte[] canonicalHash = SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString()));
        if (!_chain.VerifyTrailer(canonicalHash, signature))
        {
            throw S3Errors.Error(S3Errors.SignatureDoesNotMatch);
        }
    }
}
