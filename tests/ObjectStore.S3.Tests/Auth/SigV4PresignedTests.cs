using ObjectStore.Objects.Errors;
using static ObjectStore.S3.Tests.Auth.SigV4TestKit;

namespace ObjectStore.S3.Tests.Auth;

public sealed class SigV4PresignedTests
{
    private static readonly DateTimeOffset SignedAt = new(2025, 3, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string> Host = new() { ["Host"] = "localhost:9000" };

    [Fact]
    public async Task Presigned_url_from_the_test_signer_authenticates_with_an_unsigned_payload()
    {
        string query = PresignQuery("GET", "/bucket/key.txt", "localhost:9000", SignedAt, 3600);
        var body = new MemoryStream([1, 2, 3]);
        var request = Request("GET", "/bucket/key.txt?" + query, Host, body);

        var result = await Authenticator(SignedAt.AddMinutes(59)).AuthenticateAsync(request, default);

        Assert.Equal(AccessKey, result.AccessKey);
        Assert.Same(body, result.Body);
    }

    [Fact]
    public async Task Presigned_url_keeps_other_query_parameters_in_the_signature()
    {
        string query = PresignQuery("PUT", "/bucket/key.txt", "localhost:9000", SignedAt, 600, extraCanonicalQuery: "partNumber=1&uploadId=abc%2Fdef");
        var request = Request("PUT", "/bucket/key.txt?" + query, Host);

        Assert.Equal(AccessKey, (await Authenticator(SignedAt).AuthenticateAsync(request, default)).AccessKey);
    }

    [Fact]
    public async Task Presigned_url_with_a_changed_parameter_gives_SignatureDoesNotMatch()
    {
        string query = PresignQuery("PUT", "/bucket/key.txt", "localhost:9000", SignedAt, 600, extraCanonicalQuery: "partNumber=1&uploadId=abc");
        var request = Request("PUT", "/bucket/key.txt?" + query.Replace("partNumber=1", "partNumber=2", StringComparison.Ordinal), Host);

        await ThrowsS3Async("SignatureDoesNotMatch", async () => await Authenticator(SignedAt).AuthenticateAsync(request, default));
    }

    [Fact]
    public async Task Expired_presigned_url_gives_AccessDenied_request_has_expired()
    {
        string query = PresignQuery("GET", "/bucket/key.txt", "localhost:9000", SignedAt, 60);
        var request = Request("GET", "/bucket/key.txt?" + query, Host);

        var ex = await ThrowsS3Async("AccessDenied", async () => await Authenticator(SignedAt.AddSeconds(61)).AuthenticateAsync(request, default));
        Assert.Equal("Request has expired", ex.Message);
    }

    [Fact]
    public async Task Presigned_url_signed_in_the_future_is_not_valid_yet()
    {
        string query = PresignQuery("GET", "/bucket/key.txt", "localhost:9000", SignedAt, 3600);
        var request = Request("GET", "/bucket/key.txt?" + query, Host);

        var ex = await ThrowsS3Async("AccessDenied", async () => await Authenticator(SignedAt.AddMinutes(-20)).AuthenticateAsync(request, default));
        Assert.Equal("Request is not valid yet", ex.Message);
    }

    [Fact]
    public async Task Presigned_url_valid_for_exactly_seven_days_is_accepted_on_the_last_day()
    {
        string query = PresignQuery("GET", "/bucket/key.txt", "localhost:9000", SignedAt, 604800);
        var request = Request("GET", "/bucket/key.txt?" + query, Host);

        Assert.Equal(AccessKey, (await Authenticator(SignedAt.AddDays(7).AddMinutes(-1)).AuthenticateAsync(request, default)).AccessKey);
    }

    [Fact]
    public async Task Presigned_url_asking_for_more_than_seven_days_gives_AuthorizationQueryParametersError()
    {
        string query = PresignQuery("GET", "/bucket/key.txt", "localhost:9000", SignedAt, 604801);
        var request = Request("GET", "/bucket/key.txt?" + query, Host);

        await ThrowsS3Async("AuthorizationQueryParametersError", async () => await Authenticator(SignedAt).AuthenticateAsync(request, default));
    }

    [Fact]
    public async Task Presigned_url_with_a_negative_lifetime_has_expired()
    {
        string query = PresignQuery("GET", "/bucket/key.txt", "localhost:9000", SignedAt, -1);
        var request = Request("GET", "/bucket/key.txt?" + query, Host);

        var error = await Assert.ThrowsAsync<S3Exception>(async () => await Authenticator(SignedAt).AuthenticateAsync(request, default));
        Assert.Equal(("AccessDenied", 403, "Request has expired"), (error.Code.Code, error.Code.HttpStatus, error.Message));
    }

    [Theory]
    [InlineData("X-Amz-Expires=3600&")]
    [InlineData("X-Amz-Algorithm=AWS4-HMAC-SHA256&")]
    public async Task Presigned_url_missing_a_parameter_gives_AuthorizationQueryParametersError(string removed)
    {
        string query = PresignQuery("GET", "/bucket/key.txt", "localhost:9000", SignedAt, 3600).Replace(removed, "", StringComparison.Ordinal);
        var request = Request("GET", "/bucket/key.txt?" + query, Host);

        await ThrowsS3Async("AuthorizationQueryParametersError", async () => await Authenticator(SignedAt).AuthenticateAsync(request, default));
    }

    [Fact]
    public async Task Presigned_url_with_an_unknown_key_gives_InvalidAccessKeyId()
    {
        string query = PresignQuery("GET", "/bucket/key.txt", "localhost:9000", SignedAt, 3600).Replace("AKIAIOSFODNN7EXAMPLE", "AKIDOTHER", StringComparison.Ordinal);
        var request = Request("GET", "/bucket/key.txt?" + query, Host);

        await ThrowsS3Async("InvalidAccessKeyId", async () => await Authenticator(SignedAt).AuthenticateAsync(request, default));
    }

    [Fact]
    public async Task Presigned_url_together_with_an_authorization_header_is_refused()
    {
        string query = PresignQuery("GET", "/bucket/key.txt", "localhost:9000", SignedAt, 3600);
        var request = Request("GET", "/bucket/key.txt?" + query, new Dictionary<string, string>
        {
            ["Host"] = "localhost:9000",
            ["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20250304/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=" + new string('0', 64),
        });

        await ThrowsS3Async("InvalidArgument", async () => await Authenticator(SignedAt).AuthenticateAsync(request, default));
    }
}
