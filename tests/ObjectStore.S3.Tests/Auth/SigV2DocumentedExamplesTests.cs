using ObjectStore.Objects.Errors;
using ObjectStore.S3.Auth;
using static ObjectStore.S3.Tests.Auth.SigV4TestKit;

namespace ObjectStore.S3.Tests.Auth;

/// <summary>
/// Signature Version 2 against the examples of S3's "Signing and authenticating REST requests" page
/// (bucket johnsmith, virtual-hosted under s3.amazonaws.com, the documentation's example key).
/// </summary>
public sealed class SigV2DocumentedExamplesTests
{
    private static readonly SigV4AuthenticatorOptions VirtualHosts = new() { BaseDomain = "s3.amazonaws.com" };

    private static SigV4Authenticator At(string httpDate, SigV4AuthenticatorOptions? options = null) =>
        Authenticator(DateTimeOffset.Parse(httpDate, System.Globalization.CultureInfo.InvariantCulture), options ?? VirtualHosts);

    [Fact]
    public async Task Documented_object_GET_authenticates()
    {
        var request = Request("GET", "/photos/puppy.jpg", new Dictionary<string, string>
        {
            ["Host"] = "johnsmith.s3.amazonaws.com", ["Date"] = "Tue, 27 Mar 2007 19:36:42 +0000",
            ["Authorization"] = "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU=",
        });

        Assert.Equal(AccessKey, (await At("Tue, 27 Mar 2007 19:40:00 +0000").AuthenticateAsync(request, default)).AccessKey);
    }

    [Fact]
    public async Task Documented_PUT_signs_its_content_type()
    {
        var request = Request("PUT", "/photos/puppy.jpg", new Dictionary<string, string>
        {
            ["Host"] = "johnsmith.s3.amazonaws.com", ["Date"] = "Tue, 27 Mar 2007 21:15:45 +0000", ["Content-Type"] = "image/jpeg",
            ["Authorization"] = "AWS AKIAIOSFODNN7EXAMPLE:MyyxeRY7whkBe+bq8fHCL/2kKUg=",
        });

        Assert.Equal(AccessKey, (await At("Tue, 27 Mar 2007 21:15:45 +0000").AuthenticateAsync(request, default)).AccessKey);
        request.Headers.ContentType = "image/png";
        await ThrowsS3Async("SignatureDoesNotMatch", async () => await At("Tue, 27 Mar 2007 21:15:45 +0000").AuthenticateAsync(request, default));
    }

    [Fact]
    public async Task Documented_bucket_listing_signs_the_bucket_root_and_no_listing_parameters()
    {
        var request = Request("GET", "/?prefix=photos&max-keys=50&marker=puppy", new Dictionary<string, string>
        {
            ["Host"] = "johnsmith.s3.amazonaws.com", ["Date"] = "Tue, 27 Mar 2007 19:42:41 +0000",
            ["Authorization"] = "AWS AKIAIOSFODNN7EXAMPLE:htDYFYduRNen8P9ZfE/s9SuKy0U=",
        });

        Assert.Equal(AccessKey, (await At("Tue, 27 Mar 2007 19:42:41 +0000").AuthenticateAsync(request, default)).AccessKey);
    }

    [Fact]
    public async Task Documented_presigned_url_authenticates_until_it_expires()
    {
        const string target = "/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620";
        var request = Request("GET", target, new Dictionary<string, string> { ["Host"] = "johnsmith.s3.amazonaws.com" });

        Assert.Equal(AccessKey, (await At("Wed, 28 Mar 2007 01:40:00 +0000").AuthenticateAsync(request, default)).AccessKey);
        var expired = await Assert.ThrowsAsync<S3Exception>(async () => await At("Thu, 29 Mar 2007 03:40:21 +0000").AuthenticateAsync(request, default));
        Assert.Equal(("AccessDenied", 403, "Request has expired"), (expired.Code.Code, expired.Code.HttpStatus, expired.Message));
    }

    [Fact]
    public async Task Header_signature_outside_fifteen_minutes_of_the_clock_is_too_skewed()
    {
        var request = Request("GET", "/photos/puppy.jpg", new Dictionary<string, string>
        {
            ["Host"] = "johnsmith.s3.amazonaws.com", ["Date"] = "Tue, 27 Mar 2007 19:36:42 +0000",
            ["Authorization"] = "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU=",
        });

        await ThrowsS3Async("RequestTimeTooSkewed", async () => await At("Tue, 27 Mar 2007 19:52:43 +0000").AuthenticateAsync(request, default));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("yesterday")]
    public async Task Header_signature_without_a_parseable_date_is_AccessDenied(string? date)
    {
        var headers = new Dictionary<string, string> { ["Host"] = "johnsmith.s3.amazonaws.com", ["Authorization"] = "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU=" };
        if (date is not null)
            headers["Date"] = date;

        var error = await Assert.ThrowsAsync<S3Exception>(async () => await At("Tue, 27 Mar 2007 19:36:42 +0000").AuthenticateAsync(Request("GET", "/photos/puppy.jpg", headers), default));
        Assert.Equal(("AccessDenied", 403), (error.Code.Code, error.Code.HttpStatus));
    }
}
