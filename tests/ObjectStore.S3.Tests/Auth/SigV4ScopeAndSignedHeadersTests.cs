using ObjectStore.S3.Auth;
using static ObjectStore.S3.Tests.Auth.SigV4TestKit;

namespace ObjectStore.S3.Tests.Auth;

/// <summary>A valid signature is not enough: it must be for this region and service, and cover every x-amz-* header sent.</summary>
public sealed class SigV4ScopeAndSignedHeadersTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string> Host = new() { ["Host"] = "localhost:9000" };
    private static readonly SigV4AuthenticatorOptions UsEast1 = new() { Region = "us-east-1" };

    private static Microsoft.AspNetCore.Http.HttpRequest HeaderSigned(string target, Dictionary<string, string> signed, Dictionary<string, string>? unsigned = null,
        string region = "us-east-1", string service = "s3")
    {
        int q = target.IndexOf('?');
        var headers = new Dictionary<string, string>(signed) { ["host"] = "localhost:9000", ["x-amz-content-sha256"] = EmptySha256, ["x-amz-date"] = AmzDate(Now) };
        string authorization = Authorization("PUT", q < 0 ? target : target[..q], q < 0 ? "" : target[(q + 1)..], headers, EmptySha256, Now, region)
            .Replace("/s3/aws4_request", $"/{service}/aws4_request", StringComparison.Ordinal);
        var wire = new Dictionary<string, string>(headers) { ["Authorization"] = authorization };
        foreach (var (name, value) in unsigned ?? [])
            wire[name] = value;
        return Request("PUT", target, wire);
    }

    [Fact]
    public async Task Header_signed_request_with_an_added_unsigned_amz_header_is_AccessDenied_naming_it()
    {
        var request = HeaderSigned("/bucket/key", [], new() { ["x-amz-copy-source"] = "other/secret", ["X-Amz-Meta-Note"] = "added" });

        var ex = await ThrowsS3Async("AccessDenied", async () => await Authenticator(Now, UsEast1).AuthenticateAsync(request, default));

        Assert.Equal("There were headers present in the request which were not signed", ex.Message);
        Assert.Equal("x-amz-copy-source, x-amz-meta-note", ex.Details["HeadersNotSigned"]);
    }

    [Fact]
    public async Task Header_signed_request_whose_amz_headers_are_all_signed_authenticates()
    {
        var request = HeaderSigned("/bucket/key", new() { ["x-amz-meta-note"] = "signed", ["x-amz-tagging"] = "a=b" }, new() { ["x-amzn-trace-id"] = "Root=1-abc", ["User-Agent"] = "sdk" });

        Assert.Equal(AccessKey, (await Authenticator(Now, UsEast1).AuthenticateAsync(request, default)).AccessKey);
    }

    [Theory]
    [InlineData("x-amz-copy-source", "other-bucket/secret")]
    [InlineData("x-amz-storage-class", "GLACIER")]
    [InlineData("x-amz-meta-owner", "mallory")]
    [InlineData("x-amz-tagging", "public=yes")]
    public async Task Presigned_url_with_an_added_amz_header_is_AccessDenied(string name, string value)
    {
        string query = PresignQuery("PUT", "/bucket/upload", "localhost:9000", Now, 600);
        var request = Request("PUT", "/bucket/upload?" + query, new Dictionary<string, string>(Host) { [name] = value });

        var ex = await ThrowsS3Async("AccessDenied", async () => await Authenticator(Now, UsEast1).AuthenticateAsync(request, default));
        Assert.Equal(name, ex.Details["HeadersNotSigned"]);
    }

    [Fact]
    public async Task Presigned_url_with_an_unsigned_content_sha256_header_is_accepted_as_S3_documents()
    {
        string query = PresignQuery("PUT", "/bucket/upload", "localhost:9000", Now, 600);
        var request = Request("PUT", "/bucket/upload?" + query, new Dictionary<string, string>(Host) { ["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD" });

        Assert.Equal(AccessKey, (await Authenticator(Now, UsEast1).AuthenticateAsync(request, default)).AccessKey);
    }

    [Theory]
    [InlineData("mars-1")]
    [InlineData("eu-west-1")]
    public async Task Header_signed_for_another_region_is_AuthorizationHeaderMalformed_with_the_expected_region(string region)
    {
        var request = HeaderSigned("/bucket/key", [], region: region);

        var ex = await ThrowsS3Async("AuthorizationHeaderMalformed", async () => await Authenticator(Now, UsEast1).AuthenticateAsync(request, default));
        Assert.Equal("us-east-1", ex.Details["Region"]);
    }

    [Fact]
    public async Task Header_signed_for_another_service_is_AuthorizationHeaderMalformed()
    {
        var request = HeaderSigned("/bucket/key", [], service: "iam");

        var ex = await ThrowsS3Async("AuthorizationHeaderMalformed", async () => await Authenticator(Now).AuthenticateAsync(request, default));
        Assert.Contains("incorrect service \"iam\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Presigned_for_another_region_or_service_is_AuthorizationQueryParametersError()
    {
        string otherRegion = PresignQuery("GET", "/bucket/key", "localhost:9000", Now, 600, region: "eu-west-1");
        string otherService = PresignQuery("GET", "/bucket/key", "localhost:9000", Now, 600).Replace("%2Fs3%2F", "%2Fiam%2F", StringComparison.Ordinal);

        await ThrowsS3Async("AuthorizationQueryParametersError", async () =>
            await Authenticator(Now, UsEast1).AuthenticateAsync(Request("GET", "/bucket/key?" + otherRegion, Host), default));
        await ThrowsS3Async("AuthorizationQueryParametersError", async () =>
            await Authenticator(Now, UsEast1).AuthenticateAsync(Request("GET", "/bucket/key?" + otherService, Host), default));
    }
}
