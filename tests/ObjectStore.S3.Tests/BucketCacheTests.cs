using ObjectStore.Index;
using ObjectStore.Objects.Identity;
using ObjectStore.S3.Tests.Fakes;

namespace ObjectStore.S3.Tests;

/// <summary>
/// The per-instance bucket record cache: with the bucket cached, a GET or HEAD costs exactly one index read
/// (its object row), for the root and for an IAM user whose request also needs the bucket policy and CORS
/// rules; this instance's own bucket writes show at once.
/// </summary>
public sealed class BucketCacheTests
{
    private const string UserKey = "AKUSER";
    private const string Origin = "https://app.example.com";

    private readonly HandlerHarness _h;
    private readonly CountingIndex _counter;

    public BucketCacheTests() : this(null) { }

    private BucketCacheTests(Action<ObjectStore.Objects.S3Options>? configure)
    {
        CountingIndex? counter = null;
        _h = new HandlerHarness(configure, inner =>
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
            Policies = new Dictionary<string, string>
            {
                ["objects"] = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bucket/*"}]}""",
            },
        };
    }

    private async Task SetUpAsync(int size)
    {
        await _h.CreateBucketAsync();
        Assert.Equal(200, (await _h.SendAsync("PUT", "/bucket?cors", """
            <CORSConfiguration><CORSRule><AllowedOrigin>https://app.example.com</AllowedOrigin>
            <AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod></CORSRule></CORSConfiguration>
            """)).Status);
        Assert.Equal(200, (await _h.SendAsync("PUT", "/bucket/k", new byte[size])).Status);
    }

    [Theory]
    [InlineData("GET", false, InlineObjectTests.Small)]
    [InlineData("HEAD", false, InlineObjectTests.Small)]
    [InlineData("GET", true, InlineObjectTests.Small)]
    [InlineData("HEAD", true, InlineObjectTests.Small)]
    [InlineData("GET", true, 64 * 1024)]
    public async Task Get_and_head_of_a_cached_bucket_cost_one_index_read(string method, bool asUser, int size)
    {
        await SetUpAsync(size);
        var headers = asUser ? new Dictionary<string, string> { ["Authorization"] = HandlerHarness.SignedBy(UserKey), ["Origin"] = Origin } : null;
        await _h.SendAsync(method, "/bucket/k", headers: headers); // reads the bucket once, then it is cached
        _counter.Reset();

        var r = await _h.SendAsync(method, "/bucket/k", headers: headers);

        Assert.Equal(200, r.Status);
        if (asUser)
            Assert.Equal(Origin, r.Header("Access-Control-Allow-Origin")); // CORS read the cached record
        Assert.Equal(1, _counter.CountOf(nameof(IObjectIndex.GetObjectAsync)));
        Assert.Equal(1, _counter.Calls.Values.Sum());
    }

    [Fact]
    public async Task This_instances_own_bucket_writes_show_at_once()
    {
        await SetUpAsync(10);
        await _h.SendAsync("GET", "/bucket/k"); // cached

        Assert.Equal(200, (await _h.SendAsync("PUT", "/bucket?versioning", "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>")).Status);
        var put = await _h.SendAsync("PUT", "/bucket/k", new byte[10]);
        Assert.Equal(204, (await _h.SendAsync("PUT", "/bucket?policy",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]}""")).Status);
        var denied = await _h.SendAsync("GET", "/bucket/k", headers: new Dictionary<string, string> { ["Authorization"] = HandlerHarness.SignedBy(UserKey) });

        Assert.NotNull(put.Header("x-amz-version-id"));
        Assert.NotEqual("null", put.Header("x-amz-version-id"));
        Assert.Equal(403, denied.Status);
    }

    [Fact]
    public async Task A_deleted_bucket_is_gone_at_once_on_the_instance_that_deleted_it()
    {
        await _h.CreateBucketAsync();
        await _h.SendAsync("GET", "/bucket/nothing"); // cached

        Assert.Equal(204, (await _h.SendAsync("DELETE", "/bucket")).Status);

        Assert.Equal("NoSuchBucket", (await _h.SendAsync("GET", "/bucket/nothing")).XmlValue("Code"));
        Assert.Equal("NoSuchBucket", (await _h.SendAsync("PUT", "/bucket/k", new byte[3])).XmlValue("Code"));
    }

    [Fact]
    public async Task A_change_made_elsewhere_shows_within_the_lifetime_and_at_once_without_a_cache()
    {
        var uncached = new BucketCacheTests(o => o.BucketCacheLifetime = TimeSpan.Zero);
        await uncached._h.CreateBucketAsync();
        await uncached._h.SendAsync("GET", "/bucket/k");
        var stored = (await uncached._h.Index.GetBucketAsync("bucket", CancellationToken.None))!;

        // Another instance enables versioning (straight into the shared index).
        Assert.Equal(IndexWriteResult.Success, await uncached._h.Index.UpdateBucketAsync(stored with { Versioning = "Enabled" }, CancellationToken.None));
        var put = await uncached._h.SendAsync("PUT", "/bucket/k", new byte[3]);

        Assert.NotEqual("null", put.Header("x-amz-version-id") ?? "null");
    }
}
