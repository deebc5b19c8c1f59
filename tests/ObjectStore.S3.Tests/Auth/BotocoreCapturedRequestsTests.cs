using System.Text;
using ObjectStore.S3.Integrity;
using static ObjectStore.S3.Tests.Auth.SigV4TestKit;

namespace ObjectStore.S3.Tests.Auth;

/// <summary>
/// Requests captured from boto3 1.43.11 / botocore (signing with the example key, sending stubbed out):
/// a real client's path and query encoding, checksum headers, and its unsigned aws-chunked trailer body.
/// </summary>
public sealed class BotocoreCapturedRequestsTests
{
    private static readonly DateTimeOffset SignedAt = new(2026, 11, 25, 19, 18, 25, TimeSpan.Zero);
    private const string KeyPath = "/bucket/dir/it%27s%20a%20%28test%29%2B%E2%82%AC%20~%21%24%26%3D%40%2C%3B.txt";
    private static readonly byte[] Body = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("hello world ", 1000)));

    [Fact]
    public async Task Boto3_put_object_over_http_with_crc32_header_authenticates_and_verifies()
    {
        var request = Request("PUT", KeyPath, new Dictionary<string, string>
        {
            ["Host"] = "localhost:9000",
            ["Expect"] = "100-continue",
            ["x-amz-checksum-crc32"] = "vwx6Eg==",
            ["x-amz-sdk-checksum-algorithm"] = "CRC32",
            ["X-Amz-Date"] = "20261125T191825Z",
            ["X-Amz-Content-SHA256"] = "1b0bd2e056685bc9447b548d7643255e3e73f5ab941642ac6fa0925e99ad69c4",
            ["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261125/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-checksum-crc32;x-amz-content-sha256;x-amz-date;x-amz-sdk-checksum-algorithm, Signature=ad262451531eba4fa6b36983971db631e6e3a345403ddcc1b450cc7aa160a895",
            ["Content-Length"] = "12000",
        }, new MemoryStream(Body));

        var result = await Authenticator(SignedAt).AuthenticateAsync(request, default);
        using var checked_ = new ChecksummingStream(result.Body, ChecksumRequest.FromHeaders(request.Headers), null, result.Trailers);

        Assert.Equal(Body, await ReadAllAsync(checked_));
        Assert.Equal("vwx6Eg==", checked_.ChecksumBase64);
    }

    [Fact]
    public async Task Boto3_put_object_over_https_as_unsigned_aws_chunked_with_crc32_trailer_decodes()
    {
        byte[] wire = [.. "2ee0\r\n"u8, .. Body, .. "\r\n0\r\nx-amz-checksum-crc32:vwx6Eg==\r\n\r\n"u8];
        var request = Request("PUT", KeyPath, new Dictionary<string, string>
        {
            ["Host"] = "localhost:9443",
            ["Transfer-Encoding"] = "chunked",
            ["Content-Encoding"] = "aws-chunked",
            ["X-Amz-Trailer"] = "x-amz-checksum-crc32",
            ["X-Amz-Decoded-Content-Length"] = "12000",
            ["x-amz-sdk-checksum-algorithm"] = "CRC32",
            ["X-Amz-Date"] = "20261125T191825Z",
            ["X-Amz-Content-SHA256"] = "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
            ["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261125/us-east-1/s3/aws4_request, SignedHeaders=content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-sdk-checksum-algorithm;x-amz-trailer, Signature=06287760d49e9f8aa2a8e016c58e5a586b08620150f7769963e822a2eed37210",
        }, new MemoryStream(wire));

        var result = await Authenticator(SignedAt).AuthenticateAsync(request, default);
        var checksum = ChecksumRequest.FromHeaders(request.Headers);
        using var checked_ = new ChecksummingStream(result.Body, checksum, null, result.Trailers);

        Assert.True(checksum!.FromTrailer);
        Assert.Equal(Body, await ReadAllAsync(checked_));
        Assert.Equal("vwx6Eg==", checked_.ChecksumBase64);
        Assert.Equal(12000, result.DecodedContentLength);
    }

    [Fact]
    public async Task Boto3_list_objects_v2_with_encoded_prefix_and_delimiter_authenticates()
    {
        var request = Request("GET", "/bucket?list-type=2&prefix=a%20b%2F%E2%82%AC%2B&delimiter=%2F&start-after=x%3Dy%26z&encoding-type=url", new Dictionary<string, string>
        {
            ["Host"] = "localhost:9000",
            ["X-Amz-Date"] = "20261125T191825Z",
            ["X-Amz-Content-SHA256"] = EmptySha256,
            ["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261125/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=7eccabded54abad29eb87ae501163e5412497f258a19a55c9d4d812c6f848208",
        });

        Assert.Equal(AccessKey, (await Authenticator(SignedAt).AuthenticateAsync(request, default)).AccessKey);
    }

    [Fact]
    public async Task Boto3_presigned_get_with_response_content_disposition_authenticates()
    {
        const string query = "response-content-disposition=attachment%3B%20filename%3D%22a%20b.txt%22&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261125%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261125T191825Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=7eb95c5ae9435f93539aecbb2fd7a9741d128124326fcb8ca02358e615425c15";
        var request = Request("GET", KeyPath + "?" + query, new Dictionary<string, string> { ["Host"] = "localhost:9000" });

        Assert.Equal(AccessKey, (await Authenticator(SignedAt.AddMinutes(30)).AuthenticateAsync(request, default)).AccessKey);
    }
}
