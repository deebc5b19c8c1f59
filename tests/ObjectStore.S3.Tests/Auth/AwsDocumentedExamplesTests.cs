using System.Text;
using static ObjectStore.S3.Tests.Auth.SigV4TestKit;

namespace ObjectStore.S3.Tests.Auth;

/// <summary>
/// The worked examples of the S3 API reference: "Signature Calculations for the Authorization Header"
/// (GET object with Range), "Authenticating Requests: Using Query Parameters" (presigned GET) and
/// "Transferring Payload in Multiple Chunks" (64 KiB aws-chunked PUT, published seed and chunk signatures).
/// </summary>
public sealed class AwsDocumentedExamplesTests
{
    private const string SeedSignature = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
    private const string Chunk1Signature = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
    private const string Chunk2Signature = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
    private const string FinalSignature = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";

    [Fact]
    public async Task Get_object_with_range_example_authenticates_as_the_example_key()
    {
        var request = Request("GET", "/test.txt", new Dictionary<string, string>
        {
            ["Host"] = "examplebucket.s3.amazonaws.com",
            ["Range"] = "bytes=0-9",
            ["x-amz-content-sha256"] = EmptySha256,
            ["x-amz-date"] = "20130524T000000Z",
            ["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
        });

        var result = await Authenticator(ExampleTime.AddMinutes(5)).AuthenticateAsync(request, default);

        Assert.Equal(AccessKey, result.AccessKey);
        Assert.Empty(await ReadAllAsync(result.Body));
    }

    [Fact]
    public async Task Get_object_example_with_one_changed_header_is_refused()
    {
        var request = Request("GET", "/test.txt", new Dictionary<string, string>
        {
            ["Host"] = "examplebucket.s3.amazonaws.com",
            ["Range"] = "bytes=0-10",
            ["x-amz-content-sha256"] = EmptySha256,
            ["x-amz-date"] = "20130524T000000Z",
            ["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
        });

        await ThrowsS3Async("SignatureDoesNotMatch", async () => await Authenticator(ExampleTime).AuthenticateAsync(request, default));
    }

    [Fact]
    public async Task Presigned_get_example_authenticates_within_its_day()
    {
        const string target = "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
        var request = Request("GET", target, new Dictionary<string, string> { ["Host"] = "examplebucket.s3.amazonaws.com" });

        var result = await Authenticator(ExampleTime.AddHours(23)).AuthenticateAsync(request, default);

        Assert.Equal(AccessKey, result.AccessKey);
    }

    [Fact]
    public async Task Presigned_get_example_is_expired_after_its_day()
    {
        const string target = "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
        var request = Request("GET", target, new Dictionary<string, string> { ["Host"] = "examplebucket.s3.amazonaws.com" });

        var ex = await ThrowsS3Async("AccessDenied", async () => await Authenticator(ExampleTime.AddSeconds(86401)).AuthenticateAsync(request, default));
        Assert.Equal("Request has expired", ex.Message);
    }

    [Theory]
    [InlineData(1 << 20)]
    [InlineData(7)]
    public async Task Chunked_upload_example_decodes_to_66560_bytes_verifying_published_chunk_signatures(int maxRead)
    {
        byte[] body = ExampleChunkedBody();
        Assert.Equal(66824, body.Length);
        var request = Request("PUT", "/examplebucket/chunkObject.txt", ExampleChunkedHeaders(), new TrickleStream(body, maxRead));

        var result = await Authenticator(ExampleTime).AuthenticateAsync(request, default);
        byte[] decoded = await ReadAllAsync(result.Body, bufferSize: 5000);

        Assert.Equal(AccessKey, result.AccessKey);
        Assert.Equal(66560, result.DecodedContentLength);
        Assert.Equal(66560, decoded.Length);
        Assert.All(decoded, b => Assert.Equal((byte)'a', b));
    }

    [Fact]
    public async Task Chunked_upload_example_with_one_flipped_data_byte_fails_its_chunk_signature()
    {
        byte[] body = ExampleChunkedBody();
        body[100] = (byte)'b';
        var request = Request("PUT", "/examplebucket/chunkObject.txt", ExampleChunkedHeaders(), new MemoryStream(body));

        var result = await Authenticator(ExampleTime).AuthenticateAsync(request, default);

        await ThrowsS3Async("SignatureDoesNotMatch", () => ReadAllAsync(result.Body));
    }

    [Fact]
    public async Task Chunked_upload_example_with_chunks_swapped_breaks_the_chain()
    {
        string swapped = Encoding.ASCII.GetString(ExampleChunkedBody())
            .Replace(Chunk1Signature, "TMP", StringComparison.Ordinal)
            .Replace(Chunk2Signature, Chunk1Signature, StringComparison.Ordinal)
            .Replace("TMP", Chunk2Signature, StringComparison.Ordinal);
        var request = Request("PUT", "/examplebucket/chunkObject.txt", ExampleChunkedHeaders(), new MemoryStream(Encoding.ASCII.GetBytes(swapped)));

        var result = await Authenticator(ExampleTime).AuthenticateAsync(request, default);

        await ThrowsS3Async("SignatureDoesNotMatch", () => ReadAllAsync(result.Body));
    }

    [Fact]
    public void Test_signer_reproduces_the_published_chunk_signatures()
    {
        string body = Encoding.ASCII.GetString(Chunked(Enumerable.Repeat((byte)'a', 66560).ToArray(), 65536, ExampleTime, SeedSignature));

        Assert.Contains("10000;chunk-signature=" + Chunk1Signature, body, StringComparison.Ordinal);
        Assert.Contains("400;chunk-signature=" + Chunk2Signature, body, StringComparison.Ordinal);
        Assert.Contains("0;chunk-signature=" + FinalSignature, body, StringComparison.Ordinal);
    }

    internal static Dictionary<string, string> ExampleChunkedHeaders() => new()
    {
        ["Host"] = "s3.amazonaws.com",
        ["x-amz-date"] = "20130524T000000Z",
        ["x-amz-storage-class"] = "REDUCED_REDUNDANCY",
        ["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=" + SeedSignature,
        ["x-amz-content-sha256"] = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        ["Content-Encoding"] = "aws-chunked",
        ["x-amz-decoded-content-length"] = "66560",
        ["Content-Length"] = "66824",
    };

    internal static byte[] ExampleChunkedBody()
    {
        var output = new MemoryStream();
        void Ascii(string s) => output.Write(Encoding.ASCII.GetBytes(s));
        Ascii("10000;chunk-signature=" + Chunk1Signature + "\r\n");
        output.Write(Enumerable.Repeat((byte)'a', 65536).ToArray());
        Ascii("\r\n400;chunk-signature=" + Chunk2Signature + "\r\n");
        output.Write(Enumerable.Repeat((byte)'a', 1024).ToArray());
        Ascii("\r\n0;chunk-signature=" + FinalSignature + "\r\n\r\n");
        return output.ToArray();
    }
}
