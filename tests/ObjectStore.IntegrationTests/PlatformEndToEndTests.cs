using System.Net;
using System.Xml.Linq;
using Amazon.S3;
using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests;

/// <summary>The first requests any client makes, through the local host with AWSSDK.S3 4.1.0.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class PlatformEndToEndTests(LocalHostFixture host)
{
    [Fact]
    public async Task Signed_ListBuckets_on_a_fresh_store_answers_with_an_empty_bucket_list()
    {
        await using var fresh = await host.StartHostAsync();
        using var s3 = fresh.CreateS3Client();
        var response = await s3.ListBucketsAsync();
        Assert.Equal(HttpStatusCode.OK, response.HttpStatusCode);
        Assert.NotNull(response.Owner);
        Assert.Empty(response.Buckets ?? []); // AWSSDK.S3 4 leaves an empty list null
    }

    [Fact]
    public async Task Unsigned_request_gets_AccessDenied_xml_with_403()
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(host.Endpoint);
        await AssertS3ErrorAsync(response, HttpStatusCode.Forbidden, "AccessDenied");
    }

    [Fact]
    public async Task Request_signed_with_a_wrong_secret_gets_SignatureDoesNotMatch()
    {
        using var s3 = host.CreateS3Client(secretKey: "not-the-secret");
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.ListBucketsAsync());
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("SignatureDoesNotMatch", error.ErrorCode);
        Assert.False(string.IsNullOrEmpty(error.RequestId));
    }

    [Fact]
    public async Task Request_with_an_unknown_access_key_gets_InvalidAccessKeyId()
    {
        using var s3 = host.CreateS3Client(accessKey: "AKIANOBODY");
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.ListBucketsAsync());
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("InvalidAccessKeyId", error.ErrorCode);
    }

    internal static async Task AssertS3ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.True(response.Headers.Contains("x-amz-request-id"), "every response carries x-amz-request-id");
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Error", xml.Root!.Name.LocalName);
        Assert.Equal(code, xml.Root.Element("Code")!.Value);
        Assert.False(string.IsNullOrEmpty(xml.Root.Element("Message")?.Value));
        Assert.Equal(response.Headers.GetValues("x-amz-request-id").Single(), xml.Root.Element("RequestId")!.Value);
    }
}
