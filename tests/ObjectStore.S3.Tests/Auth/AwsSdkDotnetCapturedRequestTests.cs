using System.Text;
using ObjectStore.S3.Auth;
using ObjectStore.S3.Integrity;
using static ObjectStore.S3.Tests.Auth.SigV4TestKit;

namespace ObjectStore.S3.Tests.Auth;

/// <summary>
/// A PutObject captured from AWSSDK.S3 4.1.0 (default settings over http, sending stubbed out): signed
/// aws-chunked with a signed CRC32 trailer, i.e. STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER as the SDK writes it.
/// </summary>
public sealed class AwsSdkDotnetCapturedRequestTests
{
    private static readonly DateTimeOffset SignedAt = new(2026, 11, 25, 19, 23, 1, TimeSpan.Zero);
    private const string ChunkSignature = "3f1806d409455c059fbbe320ea53eee4cb7b168af532cd20b04abe4a78af21a4";
    private const string FinalSignature = "0e80aaa3aae2c73656b76435cb741ad510889e54d1ffa321eaa11c4ebef3f193";
    private const string TrailerSignature = "6207de846c0d97e0ed5ec957c64bf053c34635ef382eda2cb84b3c71449a7334";

    private static byte[] Data() => Enumerable.Range(0, 70000).Select(i => (byte)(i * 31 + 7)).ToArray();

    private static byte[] Wire(string crc32 = "1nNCOg==") =>
    [
        .. Encoding.ASCII.GetBytes($"11170;chunk-signature={ChunkSignature}\r\n"),
        .. Data(),
        .. Encoding.ASCII.GetBytes($"\r\n0;chunk-signature={FinalSignature}\r\nx-amz-checksum-crc32:{crc32}\r\nx-amz-trailer-signature:{TrailerSignature}\r\n\r\n"),
    ];

    private static Microsoft.AspNetCore.Http.HttpRequest PutObject(byte[] wire) => Request("PUT", "/bucket/dir/a%20b%2Bc.bin", new Dictionary<string, string>
    {
        ["Expect"] = "100-continue",
        ["x-amz-sdk-checksum-algorithm"] = "CRC32",
        ["Host"] = "localhost:9000",
        ["X-Amz-Date"] = "20261125T192301Z",
        ["X-Amz-Trailer"] = "x-amz-checksum-crc32",
        ["X-Amz-Decoded-Content-Length"] = "70000",
        ["X-Amz-Content-SHA256"] = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        ["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261125/us-east-1/s3/aws4_request, SignedHeaders=content-encoding;content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-sdk-checksum-algorithm;x-amz-trailer, Signature=bd59ccc4d1118f4e55f3896e24611d2fd29f0e8d43fe6bac052800fc01c4219c",
        ["Content-Length"] = "70297",
        ["Content-Type"] = "application/octet-stream",
        ["Content-Encoding"] = "aws-chunked",
    }, new MemoryStream(wire));

    [Fact]
    public async Task Dotnet_sdk_signed_chunks_and_signed_crc32_trailer_verify_and_decode()
    {
        Assert.Equal(70297, Wire().Length);
        var request = PutObject(Wire());

        var result = await Authenticator(SignedAt).AuthenticateAsync(request, default);
        using var body = new ChecksummingStream(result.Body, ChecksumRequest.FromHeaders(request.Headers), null, result.Trailers);

        Assert.Equal(Data(), await ReadAllAsync(body));
        Assert.Equal("1nNCOg==", body.ChecksumBase64);
        Assert.Null(SigV4Authenticator.StoredContentEncoding(request.Headers));
    }

    [Fact]
    public async Task Dotnet_sdk_trailer_with_a_replaced_checksum_fails_the_trailer_signature()
    {
        var result = await Authenticator(SignedAt).AuthenticateAsync(PutObject(Wire(crc32: "AAAAAA==")), default);

        await ThrowsS3Async("SignatureDoesNotMatch", () => ReadAllAsync(result.Body));
    }
}
