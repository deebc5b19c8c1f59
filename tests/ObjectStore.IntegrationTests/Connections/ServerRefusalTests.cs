using System.Text;
using System.Xml.Linq;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests.Connections;

/// <summary>
/// Requests Kestrel refuses before the handler sees them (malformed request line, header or
/// Content-Length; too long a URL; too many or too large headers) are answered with Kestrel's
/// status and an S3 error document, as every other refusal is.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class ServerRefusalTests(LocalHostFixture host)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private async Task<RawResponse> SendAsync(string request)
    {
        await using var connection = await RawHttpConnection.OpenAsync(host.Endpoint);
        await connection.SendAsync(request);
        return await connection.ReadResponseAsync(Timeout);
    }

    private static void AssertS3Error(RawResponse response, int status, string code)
    {
        Assert.Equal(status, response.Status);
        Assert.Equal("application/xml", response.Header("Content-Type"));
        Assert.Equal("close", response.Header("Connection"));
        var requestId = response.Header("x-amz-request-id");
        Assert.False(string.IsNullOrEmpty(requestId), "no x-amz-request-id:\n" + response);
        var error = XDocument.Parse(response.BodyText).Root!;
        Assert.Equal("Error", error.Name.LocalName);
        Assert.Equal(code, error.Element("Code")?.Value);
        Assert.Equal(requestId, error.Element("RequestId")?.Value);
        Assert.False(string.IsNullOrEmpty(error.Element("Message")?.Value));
    }

    [Fact]
    public async Task Nul_in_the_path_gets_400_BadRequest_as_S3_xml()
    {
        AssertS3Error(await SendAsync("GET /bucket/a%00b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), 400, "BadRequest");
    }

    [Fact]
    public async Task Malformed_content_length_gets_400_BadRequest_as_S3_xml()
    {
        AssertS3Error(await SendAsync("PUT /bucket/key HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 12abc\r\n\r\n"), 400, "BadRequest");
    }

    [Fact]
    public async Task Url_longer_than_the_request_line_limit_gets_414_InvalidURI_as_S3_xml()
    {
        AssertS3Error(await SendAsync($"GET /bucket/{new string('k', 9000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), 414, "InvalidURI");
    }

    [Fact]
    public async Task Too_many_headers_get_431_RequestHeaderSectionTooLarge_as_S3_xml()
    {
        var headers = string.Concat(Enumerable.Range(0, 120).Select(i => $"x-amz-meta-h{i}: v\r\n"));
        AssertS3Error(await SendAsync($"GET /bucket/key HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n"), 431, "RequestHeaderSectionTooLarge");
    }

    [Fact]
    public async Task Headers_larger_than_the_limit_get_431_RequestHeaderSectionTooLarge_as_S3_xml()
    {
        AssertS3Error(await SendAsync($"GET /bucket/key HTTP/1.1\r\nHost: 127.0.0.1\r\nx-amz-meta-big: {new string('v', 40_000)}\r\n\r\n"),
            431, "RequestHeaderSectionTooLarge");
    }

    [Fact]
    public async Task An_object_that_looks_like_an_empty_refusal_is_served_byte_for_byte()
    {
        const string content = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        var bucket = ClientTestData.BucketName("refusal");
        using var s3 = host.CreateS3Client();
        await s3.PutBucketAsync(bucket);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "looks-like", ContentBody = content });

        await using var connection = await RawHttpConnection.OpenAsync(host.Endpoint);
        for (var i = 0; i < 2; i++) // the second on the same connection, after a response has completed
        {
            await connection.SendAsync(RawHttpConnection.SignedHead(host.Endpoint, "GET", $"/{bucket}/looks-like"));
            var response = await connection.ReadResponseAsync(Timeout);
            Assert.Equal(200, response.Status);
            Assert.Equal(content, Encoding.ASCII.GetString(response.Body));
        }
    }
}
