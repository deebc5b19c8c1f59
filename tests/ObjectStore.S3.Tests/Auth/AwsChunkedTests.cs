using System.Text;
using Microsoft.AspNetCore.Http;
using ObjectStore.Objects.Integrity;
using ObjectStore.S3.Auth;
using ObjectStore.S3.Integrity;
using static ObjectStore.S3.Tests.Auth.SigV4TestKit;

namespace ObjectStore.S3.Tests.Auth;

public sealed class AwsChunkedTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Data = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 31 + 7)).ToArray();

    /// <summary>A PUT in <paramref name="mode"/> whose headers are signed; returns the request and its seed signature.</summary>
    private static (HttpRequest Request, string Seed) ChunkedPut(string mode, long decodedLength, string? trailerHeader = null, string contentEncoding = "aws-chunked")
    {
        var signed = new Dictionary<string, string>
        {
            ["content-encoding"] = contentEncoding,
            ["host"] = "localhost:9000",
            ["x-amz-content-sha256"] = mode,
            ["x-amz-date"] = AmzDate(Now),
            ["x-amz-decoded-content-length"] = decodedLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (trailerHeader is not null)
        {
            signed["x-amz-trailer"] = trailerHeader;
        }

        string seed = Signature("PUT", "/bucket/big.bin", "", signed, mode, Now);
        var wire = new Dictionary<string, string>(signed)
        {
            ["Authorization"] = Authorization("PUT", "/bucket/big.bin", "", signed, mode, Now),
        };
        return (Request("PUT", "/bucket/big.bin", wire), seed);
    }

    private static async Task<AuthenticatedRequest> AuthenticateAsync(HttpRequest request, byte[] body, int maxRead = int.MaxValue)
    {
        request.Body = new TrickleStream(body, maxRead);
        return await Authenticator(Now).AuthenticateAsync(request, default);
    }

    private static KeyValuePair<string, string> Crc32Trailer(byte[] data) =>
        new("x-amz-checksum-crc32", ChecksumCalculator.Compute(ChecksumAlgorithm.Crc32, data));

    [Theory]
    [InlineData(65536, int.MaxValue)]
    [InlineData(1 << 20, 1000)]
    [InlineData(8192, 3)]
    public async Task Signed_chunks_with_a_signed_trailer_decode_and_expose_the_trailer(int chunkSize, int maxRead)
    {
        var (request, seed) = ChunkedPut("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", Data.Length, "x-amz-checksum-crc32");
        byte[] body = Chunked(Data, chunkSize, Now, seed, [Crc32Trailer(Data)]);

        var result = await AuthenticateAsync(request, body, maxRead);

        Assert.Equal(Data, await ReadAllAsync(result.Body, bufferSize: 65536));
        Assert.Equal(Crc32Trailer(Data).Value, result.Trailers["x-amz-checksum-crc32"]);
        Assert.Equal(Data.Length, result.DecodedContentLength);
    }

    [Fact]
    public async Task Signed_trailer_with_a_changed_value_gives_SignatureDoesNotMatch()
    {
        var (request, seed) = ChunkedPut("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", Data.Length, "x-amz-checksum-crc32");
        string good = Crc32Trailer(Data).Value;
        byte[] body = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(Chunked(Data, 65536, Now, seed, [Crc32Trailer(Data)]))
            .Replace(good, "AAAAAA==", StringComparison.Ordinal));

        var result = await AuthenticateAsync(request, body);

        await ThrowsS3Async("SignatureDoesNotMatch", () => ReadAllAsync(result.Body));
    }

    [Fact]
    public async Task Signed_trailer_without_its_signature_gives_SignatureDoesNotMatch()
    {
        var (request, seed) = ChunkedPut("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", Data.Length, "x-amz-checksum-crc32");
        // Chunks signed correctly, the x-amz-trailer-signature line left out.
        string signedBody = Encoding.Latin1.GetString(Chunked(Data, 65536, Now, seed, [Crc32Trailer(Data)]));
        int cut = signedBody.IndexOf("x-amz-trailer-signature:", StringComparison.Ordinal);
        byte[] body = Encoding.Latin1.GetBytes(signedBody[..cut] + "\r\n");

        var result = await AuthenticateAsync(request, body);

        await ThrowsS3Async("SignatureDoesNotMatch", () => ReadAllAsync(result.Body));
    }

    [Fact]
    public async Task Tampered_chunk_data_gives_SignatureDoesNotMatch_before_the_end_is_reported()
    {
        var (request, seed) = ChunkedPut("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", Data.Length);
        byte[] body = Chunked(Data, 65536, Now, seed);
        body[^20] ^= 1; // inside the last data chunk

        var result = await AuthenticateAsync(request, body);

        await ThrowsS3Async("SignatureDoesNotMatch", () => ReadAllAsync(result.Body));
    }

    [Fact]
    public async Task Chunk_without_a_signature_in_signed_mode_gives_SignatureDoesNotMatch()
    {
        var (request, _) = ChunkedPut("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", Data.Length);

        var result = await AuthenticateAsync(request, Chunked(Data, 65536, Now, seedSignature: null));

        await ThrowsS3Async("SignatureDoesNotMatch", () => ReadAllAsync(result.Body));
    }

    [Theory]
    [InlineData(50)]
    [InlineData(100)]
    [InlineData(70_000)]
    [InlineData(199_000)]
    public async Task Body_missing_its_last_bytes_gives_IncompleteBody(int dropFromEnd)
    {
        var (request, seed) = ChunkedPut("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", Data.Length);
        byte[] full = Chunked(Data, 65536, Now, seed);

        var result = await AuthenticateAsync(request, full[..^dropFromEnd]);

        await ThrowsS3Async("IncompleteBody", () => ReadAllAsync(result.Body));
    }

    [Fact]
    public async Task Body_cut_inside_the_first_chunk_header_gives_IncompleteBody()
    {
        var (request, seed) = ChunkedPut("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", Data.Length);

        var result = await AuthenticateAsync(request, Chunked(Data, 65536, Now, seed)[..10]);

        await ThrowsS3Async("IncompleteBody", () => ReadAllAsync(result.Body));
    }

    [Fact]
    public async Task Unsigned_trailer_mode_decodes_without_signatures_and_exposes_the_checksum()
    {
        var (request, _) = ChunkedPut("STREAMING-UNSIGNED-PAYLOAD-TRAILER", Data.Length, "x-amz-checksum-crc32");

        var result = await AuthenticateAsync(request, Chunked(Data, 65536, Now, seedSignature: null, [Crc32Trailer(Data)]), maxRead: 4097);

        Assert.Equal(Data, await ReadAllAsync(result.Body));
        Assert.Equal(Crc32Trailer(Data).Value, result.Trailers["x-amz-checksum-crc32"]);
    }

    [Fact]
    public async Task Unsigned_trailer_body_checked_by_ChecksummingStream_refuses_a_wrong_checksum()
    {
        var (request, _) = ChunkedPut("STREAMING-UNSIGNED-PAYLOAD-TRAILER", Data.Length, "x-amz-checksum-crc32");
        var result = await AuthenticateAsync(request, Chunked(Data, 65536, Now, seedSignature: null, [new("x-amz-checksum-crc32", "AAAAAA==")]));
        var checksum = ChecksumRequest.FromHeaders(request.Headers);

        using var stream = new ChecksummingStream(result.Body, checksum, expectedMd5: null, result.Trailers);

        var ex = await ThrowsS3Async("BadDigest", () => ReadAllAsync(stream));
        Assert.Equal("The CRC32 you specified did not match the calculated checksum.", ex.Message);
    }

    [Theory]
    [InlineData("zz;chunk-signature=00\r\n")]
    [InlineData("10\r\n0123456789abcdef0123\r\n0\r\n\r\n")]
    [InlineData("5 \r\nhello\r\n0\r\n\r\n")]
    public async Task Garbage_framing_gives_InvalidRequest(string body)
    {
        var (request, _) = ChunkedPut("STREAMING-UNSIGNED-PAYLOAD-TRAILER", 16);

        var result = await AuthenticateAsync(request, Encoding.ASCII.GetBytes(body));

        await ThrowsS3Async("InvalidRequest", () => ReadAllAsync(result.Body));
    }

    [Fact]
    public async Task Endless_chunk_header_line_gives_InvalidRequest_without_buffering_it()
    {
        var (request, _) = ChunkedPut("STREAMING-UNSIGNED-PAYLOAD-TRAILER", 16);

        var result = await AuthenticateAsync(request, Encoding.ASCII.GetBytes("1" + new string('0', 10) + new string(';', 100_000)));

        await ThrowsS3Async("InvalidRequest", () => ReadAllAsync(result.Body));
    }

    [Fact]
    public async Task Fewer_bytes_than_x_amz_decoded_content_length_gives_IncompleteBody()
    {
        var (request, _) = ChunkedPut("STREAMING-UNSIGNED-PAYLOAD-TRAILER", 11);

        var result = await AuthenticateAsync(request, Encoding.ASCII.GetBytes("5\r\nhello\r\n0\r\n\r\n"));

        await ThrowsS3Async("IncompleteBody", () => ReadAllAsync(result.Body));
    }

    [Fact]
    public async Task More_bytes_than_x_amz_decoded_content_length_gives_InvalidRequest()
    {
        var (request, _) = ChunkedPut("STREAMING-UNSIGNED-PAYLOAD-TRAILER", 3);

        var result = await AuthenticateAsync(request, Encoding.ASCII.GetBytes("5\r\nhello\r\n0\r\n\r\n"));

        await ThrowsS3Async("InvalidRequest", () => ReadAllAsync(result.Body));
    }

    [Fact]
    public async Task Connection_dropped_by_the_server_mid_body_gives_IncompleteBody()
    {
        var (request, seed) = ChunkedPut("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", Data.Length);
        request.Body = new ThrowingStream(Chunked(Data, 65536, Now, seed)[..1000]);
        var result = await Authenticator(Now).AuthenticateAsync(request, default);

        await ThrowsS3Async("IncompleteBody", () => ReadAllAsync(result.Body));
    }

    [Fact]
    public async Task Final_chunk_without_the_closing_empty_line_is_accepted()
    {
        var (request, _) = ChunkedPut("STREAMING-UNSIGNED-PAYLOAD-TRAILER", 5);

        var result = await AuthenticateAsync(request, Encoding.ASCII.GetBytes("5\r\nhello\r\n0\r\n"));

        Assert.Equal("hello"u8.ToArray(), await ReadAllAsync(result.Body));
    }

    [Fact]
    public async Task Anonymous_unsigned_trailer_body_is_still_decoded()
    {
        var request = Request("PUT", "/bucket/k", new Dictionary<string, string>
        {
            ["Host"] = "localhost", ["x-amz-content-sha256"] = "STREAMING-UNSIGNED-PAYLOAD-TRAILER", ["Content-Encoding"] = "aws-chunked",
        }, new MemoryStream(Encoding.ASCII.GetBytes("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n")));

        var result = await Authenticator(Now).AuthenticateAsync(request, default);

        Assert.True(result.IsAnonymous);
        Assert.Equal("hello"u8.ToArray(), await ReadAllAsync(result.Body));
        Assert.Equal("NhCmhg==", result.Trailers["x-amz-checksum-crc32"]);
    }

    [Theory]
    [InlineData("aws-chunked", null)]
    [InlineData("aws-chunked, gzip", "gzip")]
    [InlineData("gzip,aws-chunked", "gzip")]
    [InlineData("br", "br")]
    public void Stored_content_encoding_drops_only_the_aws_chunked_token(string sent, string? stored)
    {
        var headers = new HeaderDictionary { ["Content-Encoding"] = sent };

        Assert.Equal(stored, SigV4Authenticator.StoredContentEncoding(headers));
    }

    [Theory]
    [InlineData("aws-chunked,gzip")]
    [InlineData("gzip")]
    public async Task Payload_mode_not_content_encoding_decides_the_decoding(string contentEncoding)
    {
        var (request, seed) = ChunkedPut("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", Data.Length, contentEncoding: contentEncoding);

        var result = await AuthenticateAsync(request, Chunked(Data, 65536, Now, seed));

        Assert.Equal(Data, await ReadAllAsync(result.Body));
    }

    /// <summary>Like Kestrel when the client disconnects before Content-Length bytes arrived.</summary>
    private sealed class ThrowingStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position < Length ? base.ReadAsync(buffer, cancellationToken) : throw new BadHttpRequestException("Unexpected end of request content.");
    }
}
