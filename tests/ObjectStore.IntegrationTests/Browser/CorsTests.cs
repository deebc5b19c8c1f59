using System.Net;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests.Browser;

/// <summary>Bucket CORS through the local host: the AWS SDK's ?cors calls, OPTIONS preflights and actual-request headers.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class CorsTests(LocalHostFixture host) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };

    public void Dispose() => _http.Dispose();

    private static readonly CORSConfiguration Configuration = new()
    {
        Rules =
        [
            new CORSRule
            {
                Id = "app", AllowedOrigins = ["http://app.example:8080"], AllowedMethods = ["PUT", "POST"],
                AllowedHeaders = ["content-type", "x-amz-*"], ExposeHeaders = ["ETag", "x-amz-request-id"], MaxAgeSeconds = 600,
            },
            new CORSRule { Id = "read", AllowedOrigins = ["*"], AllowedMethods = ["GET", "HEAD"], AllowedHeaders = ["*"] },
        ],
    };

    private async Task<string> BucketWithCorsAsync(AmazonS3Client s3)
    {
        var bucket = ClientTestData.BucketName("cors");
        await s3.PutBucketAsync(bucket);
        await s3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest { BucketName = bucket, Configuration = Configuration });
        return bucket;
    }

    private async Task<HttpResponseMessage> PreflightAsync(string path, string? origin, string? method, string? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri(host.Endpoint, path));
        if (origin is not null) request.Headers.Add("Origin", origin);
        if (method is not null) request.Headers.Add("Access-Control-Request-Method", method);
        if (headers is not null) request.Headers.Add("Access-Control-Request-Headers", headers);
        return await _http.SendAsync(request);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    [Fact]
    public async Task The_sdk_puts_gets_and_deletes_the_configuration_and_invalid_rules_get_S3_errors()
    {
        using var s3 = host.CreateS3Client();
        var bucket = await BucketWithCorsAsync(s3);

        var stored = (await s3.GetCORSConfigurationAsync(bucket)).Configuration.Rules;
        Assert.Equal(2, stored.Count);
        Assert.Equal("app", stored[0].Id);
        Assert.Equal(["http://app.example:8080"], stored[0].AllowedOrigins);
        Assert.Equal(["PUT", "POST"], stored[0].AllowedMethods);
        Assert.Equal(["content-type", "x-amz-*"], stored[0].AllowedHeaders);
        Assert.Equal(["ETag", "x-amz-request-id"], stored[0].ExposeHeaders);
        Assert.Equal(600, stored[0].MaxAgeSeconds);
        Assert.Equal(["*"], stored[1].AllowedOrigins);

        var unsupported = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new CORSConfiguration { Rules = [new CORSRule { AllowedOrigins = ["*"], AllowedMethods = ["PATCH"] }] },
        }));
        Assert.Equal("InvalidRequest", unsupported.ErrorCode);
        Assert.Contains("PATCH", unsupported.Message);
        var wildcards = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new CORSConfiguration { Rules = [new CORSRule { AllowedOrigins = ["http://*.*.example"], AllowedMethods = ["GET"] }] },
        }));
        Assert.Equal("InvalidRequest", wildcards.ErrorCode);
        var tooMany = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new CORSConfiguration { Rules = Enumerable.Range(0, 101).Select(_ => new CORSRule { AllowedOrigins = ["*"], AllowedMethods = ["GET"] }).ToList() },
        }));
        Assert.Equal("MalformedXML", tooMany.ErrorCode);
        Assert.Equal(2, (await s3.GetCORSConfigurationAsync(bucket)).Configuration.Rules.Count); // refused puts change nothing

        await s3.DeleteCORSConfigurationAsync(bucket);
        using var get = await _http.GetAsync(new Uri(host.Endpoint, $"/{bucket}?cors"));
        Assert.Equal(HttpStatusCode.Forbidden, get.StatusCode); // anonymous: authorization comes first
        var missing = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetCORSConfigurationAsync(bucket));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("NoSuchCORSConfiguration", missing.ErrorCode);
    }

    [Fact]
    public async Task Preflights_answer_per_the_first_matching_rule_and_refuse_everything_else()
    {
        using var s3 = host.CreateS3Client();
        var bucket = await BucketWithCorsAsync(s3);

        using (var put = await PreflightAsync($"/{bucket}/uploads/a.bin", "http://app.example:8080", "PUT", "Content-Type, X-Amz-Meta-Owner"))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.Equal("http://app.example:8080", Header(put, "Access-Control-Allow-Origin"));
            Assert.Equal("PUT, POST", Header(put, "Access-Control-Allow-Methods"));
            Assert.Equal("content-type, x-amz-meta-owner", Header(put, "Access-Control-Allow-Headers"));
            Assert.Equal("ETag, x-amz-request-id", Header(put, "Access-Control-Expose-Headers"));
            Assert.Equal("600", Header(put, "Access-Control-Max-Age"));
            Assert.Equal("true", Header(put, "Access-Control-Allow-Credentials"));
            Assert.Contains("Origin", Header(put, "Vary"));
        }

        using (var post = await PreflightAsync($"/{bucket}", "http://app.example:8080", "POST"))
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);

        using (var any = await PreflightAsync($"/{bucket}/k", "https://anyone.example", "GET", "x-custom-header"))
        {
            Assert.Equal(HttpStatusCode.OK, any.StatusCode);
            Assert.Equal("*", Header(any, "Access-Control-Allow-Origin"));
            Assert.Null(Header(any, "Access-Control-Allow-Credentials"));
            Assert.Equal("x-custom-header", Header(any, "Access-Control-Allow-Headers"));
        }

        foreach (var (origin, method, headers) in new[]
        {
            ("http://evil.example", "PUT", (string?)null), // origin not listed for PUT
            ("http://app.example:8080", "DELETE", null),  // method not allowed
            ("http://app.example:8080", "PUT", "authorization"), // header not allowed
            ("http://app.example", "PUT", null),          // another origin (no port)
        })
        {
            using var refused = await PreflightAsync($"/{bucket}/k", origin, method, headers);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var error = XElement.Parse(await refused.Content.ReadAsStringAsync());
            Assert.Equal("AccessForbidden", error.Element("Code")!.Value);
            Assert.StartsWith("CORSResponse: This CORS request is not allowed.", error.Element("Message")!.Value);
            Assert.Null(Header(refused, "Access-Control-Allow-Origin"));
        }

        using (var noOrigin = await PreflightAsync($"/{bucket}/k", null, "GET"))
            Assert.Equal(HttpStatusCode.BadRequest, noOrigin.StatusCode);
        using (var noMethod = await PreflightAsync($"/{bucket}/k", "http://app.example:8080", null))
            Assert.Equal(HttpStatusCode.BadRequest, noMethod.StatusCode);

        var plain = ClientTestData.BucketName("nocors");
        await s3.PutBucketAsync(plain);
        using var noConfig = await PreflightAsync($"/{plain}/k", "http://app.example:8080", "GET");
        Assert.Equal(HttpStatusCode.Forbidden, noConfig.StatusCode);
        Assert.Contains("CORS is not enabled for this bucket", await noConfig.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Actual_requests_with_an_allowed_origin_get_the_CORS_headers_on_success_and_on_errors()
    {
        using var s3 = host.CreateS3Client();
        var bucket = await BucketWithCorsAsync(s3);
        await s3.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = bucket });
        await s3.PutBucketPolicyAsync(bucket, $$"""
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::{{bucket}}/public/*"}]}
            """);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "public/a.txt", ContentBody = "hi" });

        async Task<HttpResponseMessage> GetAsync(string key, string? origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(host.Endpoint, $"/{bucket}/{key}"));
            if (origin is not null) request.Headers.Add("Origin", origin);
            return await _http.SendAsync(request);
        }

        using (var ok = await GetAsync("public/a.txt", "https://site.example"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("hi", await ok.Content.ReadAsStringAsync());
            Assert.Equal("*", Header(ok, "Access-Control-Allow-Origin"));
            Assert.Equal("GET, HEAD", Header(ok, "Access-Control-Allow-Methods"));
            Assert.Contains("Origin", Header(ok, "Vary"));
        }
        using (var missing = await GetAsync("public/none.txt", "https://site.example"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal("*", Header(missing, "Access-Control-Allow-Origin"));
        }
        using (var denied = await GetAsync("private/a.txt", "https://site.example"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
            Assert.Equal("*", Header(denied, "Access-Control-Allow-Origin"));
        }
        using (var noOrigin = await GetAsync("public/a.txt", null))
            Assert.Null(Header(noOrigin, "Access-Control-Allow-Origin"));

        // A PUT from the listed origin: its rule's origin, credentials and exposed headers.
        using var put = new HttpRequestMessage(HttpMethod.Put, new Uri(host.Endpoint, $"/{bucket}/public/b.txt")) { Content = new StringContent("x") };
        put.Headers.Add("Origin", "http://app.example:8080");
        using var refusedPut = await _http.SendAsync(put); // anonymous: refused, but the browser may read why
        Assert.Equal(HttpStatusCode.Forbidden, refusedPut.StatusCode);
        Assert.Equal("http://app.example:8080", Header(refusedPut, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(refusedPut, "Access-Control-Allow-Credentials"));
        Assert.Equal("ETag, x-amz-request-id", Header(refusedPut, "Access-Control-Expose-Headers"));
    }
}
