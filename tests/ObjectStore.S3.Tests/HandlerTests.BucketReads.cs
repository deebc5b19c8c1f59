using ObjectStore.Objects.Identity;
using ObjectStore.S3.Tests.Fakes;

namespace ObjectStore.S3.Tests;

/// <summary>
/// A request reads its bucket's row once: CORS, authorization and the operation share that read
/// (the request context), however many of them need the bucket.
/// </summary>
public sealed class BucketReadTests
{
    private const string UserKey = "AKUSER";
    private const string Origin = "https://app.example.com";

    private const string UserPolicy = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow",
          "Action":["s3:PutObject","s3:GetObject","s3:DeleteObject"],
          "Resource":"arn:aws:s3:::bucket/*"}]}
        """;

    private const string Cors = """
        <CORSConfiguration><CORSRule>
          <AllowedOrigin>https://app.example.com</AllowedOrigin>
          <AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod>
          <AllowedMethod>HEAD</AllowedMethod><AllowedMethod>DELETE</AllowedMethod>
        </CORSRule></CORSConfiguration>
        """;

    private readonly HandlerHarness _h;
    private readonly CountingIndex _counter;

    public BucketReadTests()
    {
        CountingIndex? counter = null;
        _h = new HandlerHarness(wrapIndex: inner =>
        {
            var (index, c) = CountingIndex.Wrap(inner);
            counter = c;
            return index;
        });
        _counter = counter!;
        _h.Users[UserKey] = new CallerIdentity(PrincipalKind.User, UserKey)
        {
            UserName = "trainer",
            UserId = "AIDTRAINER",
            Policies = new Dictionary<string, string> { ["objects"] = UserPolicy },
        };
    }

    private async Task<TestResponse> SendAsUserAsync(string method, string target, string? body = null)
    {
        var headers = new Dictionary<string, string> { ["Authorization"] = HandlerHarness.SignedBy(UserKey), ["Origin"] = Origin };
        return await _h.SendAsync(method, target, body is null ? null : System.Text.Encoding.UTF8.GetBytes(body), headers);
    }

    private async Task SetUpBucketAsync()
    {
        await _h.CreateBucketAsync();
        Assert.Equal(200, (await _h.SendAsync("PUT", "/bucket?cors", Cors)).Status);
    }

    [Theory]
    [InlineData("PUT", 200)]
    [InlineData("GET", 200)]
    [InlineData("HEAD", 200)]
    [InlineData("DELETE", 204)]
    public async Task Object_request_by_a_user_with_a_matching_cors_origin_reads_the_bucket_row_at_most_once(string method, int status)
    {
        await SetUpBucketAsync();
        await _h.PutAsync("bucket", "data.csv", "a,b\n1,2\n");
        _counter.Reset();

        var r = await SendAsUserAsync(method, "/bucket/data.csv", method == "PUT" ? "x,y\n3,4\n" : null);

        Assert.InRange(_counter.CountOf("GetBucketAsync"), 0, 1);
        Assert.Equal(status, r.Status);
        Assert.Equal(Origin, r.Header("Access-Control-Allow-Origin")); // the CORS rule was applied
    }

    [Fact]
    public async Task Refused_object_request_still_reads_the_bucket_row_at_most_once()
    {
        await SetUpBucketAsync();
        _counter.Reset();

        var r = await SendAsUserAsync("GET", "/bucket?tagging");

        Assert.InRange(_counter.CountOf("GetBucketAsync"), 0, 1);
        Assert.Equal(403, r.Status);
        Assert.Equal(Origin, r.Header("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("GET", "/bucket?list-type=2", 200)]
    [InlineData("GET", "/bucket", 200)]
    [InlineData("GET", "/bucket?versions", 200)]
    [InlineData("GET", "/bucket?uploads", 200)]
    [InlineData("POST", "/bucket/new.bin?uploads", 200)]
    public async Task Listings_and_upload_creation_use_the_request_s_read_of_the_bucket(string method, string target, int status)
    {
        await SetUpBucketAsync();
        await _h.PutAsync("bucket", "data.csv", "a,b\n1,2\n"); // its read fills this instance's bucket cache
        _counter.Reset();

        var r = await _h.SendAsync(method, target);

        Assert.Equal(status, r.Status);
        Assert.Equal(0, _counter.CountOf("GetBucketAsync")); // authorization's (cached) read serves the operation too
    }

    [Theory]
    [InlineData("/missing?list-type=2")]
    [InlineData("/missing?versions")]
    [InlineData("/missing?uploads")]
    public async Task Listing_a_missing_bucket_still_answers_NoSuchBucket(string target)
    {
        var r = await _h.SendAsync("GET", target);

        Assert.Equal(404, r.Status);
        Assert.Contains("<Code>NoSuchBucket</Code>", r.Text);
    }
}
