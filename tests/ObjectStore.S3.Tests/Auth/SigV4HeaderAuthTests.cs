using Microsoft.AspNetCore.Http;
using System.Security.Cryptography;
using System.Text;
using ObjectStore.S3.Auth;
using static ObjectStore.S3.Tests.Auth.SigV4TestKit;

namespace ObjectStore.S3.Tests.Auth;

public sealed class SigV4HeaderAuthTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("hello, object store");

    /// <summary>Signs host, x-amz-date, x-amz-content-sha256 and <paramref name="extra"/> with the test signer.</summary>
    private static Microsoft.AspNetCore.Http.HttpRequest Signed(string method, string rawTarget, string canonicalUri, string canonicalQuery,
        byte[]? body = null, string? payloadHash = null, DateTimeOffset? signedAt = null, string region = "us-east-1",
        string secret = Secret, string accessKey = AccessKey, Dictionary<string, string>? extra = null, Dictionary<string, string>? wireOverrides = null)
    {
        DateTimeOffset time = signedAt ?? Now;
        body ??= [];
        payloadHash ??= Hex(SHA256.HashData(body));
        var signedHeaders = new Dictionary<string, string>
        {
            ["host"] = "localhost:9000",
            ["x-amz-date"] = AmzDate(time),
            ["x-amz-content-sha256"] = payloadHash,
        };
        foreach (var (k, v) in extra ?? [])
        {
            signedHeaders[k] = v;
        }

        var wire = new Dictionary<string, string>(signedHeaders);
        foreach (var (k, v) in wireOverrides ?? [])
        {
            wire[k] = v;
        }

        wire["Authorization"] = Authorization(method, canonicalUri, canonicalQuery, signedHeaders, payloadHash, time, region, accessKey, secret);
        return Request(method, rawTarget, wire, new MemoryStream(body));
    }

    [Fact]
    public async Task Put_signed_with_payload_sha256_returns_the_body_and_the_access_key()
    {
        var request = Signed("PUT", "/bucket/key.txt", "/bucket/key.txt", "", Payload);

        var result = await Authenticator(Now).AuthenticateAsync(request, default);

        Assert.Equal(AccessKey, result.AccessKey);
        Assert.False(result.IsAnonymous);
        Assert.Equal(Payload, await ReadAllAsync(result.Body));
    }

    [Fact]
    public async Task Body_differing_from_signed_sha256_throws_XAmzContentSHA256Mismatch_at_its_end()
    {
        var request = Signed("PUT", "/bucket/key.txt", "/bucket/key.txt", "", Payload);
        request.Body = new MemoryStream(Encoding.UTF8.GetBytes("hello, object storE"));

        var result = await Authenticator(Now).AuthenticateAsync(request, default);

        await ThrowsS3Async("XAmzContentSHA256Mismatch", () => ReadAllAsync(result.Body));
    }

    [Fact]
    public async Task Unsigned_payload_passes_the_raw_body_through()
    {
        var request = Signed("PUT", "/bucket/key.txt", "/bucket/key.txt", "", Payload, payloadHash: "UNSIGNED-PAYLOAD");

        var result = await Authenticator(Now).AuthenticateAsync(request, default);

        Assert.Same(request.Body, result.Body);
    }

    [Fact]
    public async Task Wrong_secret_gives_SignatureDoesNotMatch()
    {
        var request = Signed("GET", "/bucket/key.txt", "/bucket/key.txt", "", secret: "not-the-secret");

        await ThrowsS3Async("SignatureDoesNotMatch", async () => await Authenticator(Now).AuthenticateAsync(request, default));
    }

    [Fact]
    public async Task Unknown_access_key_gives_InvalidAccessKeyId()
    {
        var request = Signed("GET", "/bucket/key.txt", "/bucket/key.txt", "", accessKey: "AKIDUNKNOWN");

        await ThrowsS3Async("InvalidAccessKeyId", async () => await Authenticator(Now).AuthenticateAsync(request, default));
    }

    [Theory]
    [InlineData(-16)]
    [InlineData(16)]
    public async Task Request_time_more_than_15_minutes_off_gives_RequestTimeTooSkewed(int minutes)
    {
        var request = Signed("GET", "/bucket/key.txt", "/bucket/key.txt", "", signedAt: Now.AddMinutes(minutes));

        await ThrowsS3Async("RequestTimeTooSkewed", async () => await Authenticator(Now).AuthenticateAsync(request, default));
    }

    [Fact]
    public async Task Request_time_14_minutes_off_is_accepted()
    {
        var request = Signed("GET", "/bucket/key.txt", "/bucket/key.txt", "", signedAt: Now.AddMinutes(-14));

        Assert.Equal(AccessKey, (await Authenticator(Now).AuthenticateAsync(request, default)).AccessKey);
    }

    [Fact]
    public async Task Request_without_credentials_is_anonymous_with_the_raw_body()
    {
        var body = new MemoryStream(Payload);
        var request = Request("PUT", "/bucket/key.txt", new Dictionary<string, string> { ["Host"] = "localhost" }, body);

        var result = await Authenticator(Now).AuthenticateAsync(request, default);

        Assert.True(result.IsAnonymous);
        Assert.Same(body, result.Body);
    }

    [Theory]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20250304/us-east-1/s3/aws4_request, SignedHeaders=host")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20250304/us-east-1/s3/aws5_request, SignedHeaders=host, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 garbage")]
    [InlineData("Bearer abc")]
    public async Task Malformed_authorization_header_gives_AuthorizationHeaderMalformed(string header)
    {
        var request = Request("GET", "/bucket", new Dictionary<string, string>
        {
            ["Host"] = "localhost", ["x-amz-date"] = AmzDate(Now), ["x-amz-content-sha256"] = EmptySha256, ["Authorization"] = header,
        });

        await ThrowsS3Async("AuthorizationHeaderMalformed", async () => await Authenticator(Now).AuthenticateAsync(request, default));
    }

    [Fact]
    public async Task Signature_version_2_header_is_refused_as_unsupported_when_V2_is_off()
    {
        var request = Request("GET", "/bucket", new Dictionary<string, string> { ["Host"] = "localhost", ["Authorization"] = "AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=" });

        await ThrowsS3Async("InvalidRequest", async () => await Authenticator(Now, new SigV4AuthenticatorOptions { SignatureV2 = false }).AuthenticateAsync(request, default));
    }

    [Fact]
    public async Task Credential_date_other_than_the_request_date_is_malformed()
    {
        var request = Signed("GET", "/bucket/key.txt", "/bucket/key.txt", "");
        request.Headers["x-amz-date"] = AmzDate(Now.AddDays(1));

        await ThrowsS3Async("AuthorizationHeaderMalformed", async () => await Authenticator(Now.AddDays(1)).AuthenticateAsync(request, default));
    }

    [Fact]
    public async Task Missing_x_amz_content_sha256_is_an_invalid_request()
    {
        var request = Signed("GET", "/bucket/key.txt", "/bucket/key.txt", "");
        request.Headers.Remove("x-amz-content-sha256");

        await ThrowsS3Async("InvalidRequest", async () => await Authenticator(Now).AuthenticateAsync(request, default));
    }

    [Fact]
    public async Task Date_header_is_used_when_x_amz_date_is_absent()
    {
        var signedHeaders = new Dictionary<string, string>
        {
            ["date"] = "Tue, 04 Mar 2025 12:00:00 GMT", ["host"] = "localhost", ["x-amz-content-sha256"] = EmptySha256,
        };
        var wire = new Dictionary<string, string>(signedHeaders)
        {
            ["Authorization"] = Authorization("GET", "/bucket", "", signedHeaders, EmptySha256, Now),
        };

        var result = await Authenticator(Now).AuthenticateAsync(Request("GET", "/bucket", wire), default);

        Assert.Equal(AccessKey, result.AccessKey);
    }

    [Theory]
    [InlineData("us-east-1")]
    [InlineData("auto")]
    [InlineData("my-private-region")]
    public async Task Any_region_a_client_signs_with_is_accepted_by_default(string region)
    {
        var request = Signed("GET", "/bucket", "/bucket", "", region: region);

        Assert.Equal(AccessKey, (await Authenticator(Now).AuthenticateAsync(request, default)).AccessKey);
    }

    [Fact]
    public async Task Configured_region_refuses_a_signature_for_another_region()
    {
        var request = Signed("GET", "/bucket", "/bucket", "", region: "eu-west-1");

        var ex = await ThrowsS3Async("AuthorizationHeaderMalformed", async () =>
            await Authenticator(Now, new SigV4AuthenticatorOptions { Region = "us-east-1" }).AuthenticateAsync(request, default));
        Assert.Equal("us-east-1", ex.Details["Region"]);
    }

    [Fact]
    public async Task Query_is_canonicalised_sorted_by_name_and_rfc3986_encoded()
    {
        const string target = "/bucket?prefix=a%20b%2Bc&list-type=2&delimiter=%2F&uploads&encoding-type=url&x=%7e";
        const string canonical = "delimiter=%2F&encoding-type=url&list-type=2&prefix=a%20b%2Bc&uploads=&x=~";
        var request = Signed("GET", target, "/bucket", canonical);

        Assert.Equal(AccessKey, (await Authenticator(Now).AuthenticateAsync(request, default)).AccessKey);
    }

    [Fact]
    public async Task Path_is_signed_exactly_as_sent_without_double_encoding()
    {
        const string path = "/bucket/dir%20one/a%2Bb%25c%2Fd%E2%82%AC";
        var request = Signed("GET", path, path, "");

        Assert.Equal(AccessKey, (await Authenticator(Now).AuthenticateAsync(request, default)).AccessKey);
    }

    [Fact]
    public async Task Path_sent_with_raw_reserved_characters_matches_a_signer_that_encoded_them()
    {
        var request = Signed("GET", "/bucket/it's(1)!", "/bucket/it%27s%281%29%21", "");

        Assert.Equal(AccessKey, (await Authenticator(Now).AuthenticateAsync(request, default)).AccessKey);
    }

    [Fact]
    public async Task Header_values_are_trimmed_with_inner_spaces_collapsed_and_repeats_joined_by_commas()
    {
        var request = Signed("GET", "/bucket/k", "/bucket/k", "",
            extra: new() { ["x-amz-meta-note"] = "a b c", ["x-amz-meta-list"] = "one,two" },
            wireOverrides: new() { ["x-amz-meta-note"] = "  a   b  c  " });
        request.Headers.Remove("x-amz-meta-list");
        request.Headers.Append("x-amz-meta-list", "one");
        request.Headers.Append("x-amz-meta-list", " two ");

        Assert.Equal(AccessKey, (await Authenticator(Now).AuthenticateAsync(request, default)).AccessKey);
    }

    [Fact]
    public async Task Tampered_signed_header_gives_SignatureDoesNotMatch()
    {
        var request = Signed("PUT", "/bucket/k", "/bucket/k", "", extra: new() { ["x-amz-meta-owner"] = "alice" });
        request.Headers["x-amz-meta-owner"] = "mallory";

        await ThrowsS3Async("SignatureDoesNotMatch", async () => await Authenticator(Now).AuthenticateAsync(request, default));
    }

    [Fact]
    public void Signing_keys_are_derived_once_per_secret_date_region_and_service()
    {
        var cache = new SigningKeyCache();

        byte[] first = cache.GetSigningKey(Secret, "20130524", "us-east-1", "s3");

        Assert.Same(first, cache.GetSigningKey(Secret, "20130524", "us-east-1", "s3"));
        Assert.NotEqual(first, cache.GetSigningKey(Secret, "20130525", "us-east-1", "s3"));
        Assert.Equal(SigningKey(Secret, ExampleTime, "us-east-1"), first);
    }
}
