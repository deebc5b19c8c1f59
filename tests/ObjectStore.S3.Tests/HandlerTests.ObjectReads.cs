using ObjectStore.Objects.Identity;
using ObjectStore.S3.Tests.Fakes;

namespace ObjectStore.S3.Tests;

/// <summary>
/// A GET or HEAD that authorization had to look into the object for (an object ACL, a policy's
/// s3:ExistingObjectTag condition) reads the version's index row once: the record authorization read is
/// the one served when it is the version requested.
/// </summary>
public sealed class ObjectReadTests
{
    private const string NoPab = "<PublicAccessBlockConfiguration><BlockPublicAcls>false</BlockPublicAcls><IgnorePublicAcls>false</IgnorePublicAcls><BlockPublicPolicy>false</BlockPublicPolicy><RestrictPublicBuckets>false</RestrictPublicBuckets></PublicAccessBlockConfiguration>";

    private static readonly Dictionary<string, string> PublicRead = new() { ["x-amz-acl"] = "public-read" };

    private readonly HandlerHarness _h;
    private readonly CountingIndex _counter;

    public ObjectReadTests()
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
            Policies = new Dictionary<string, string> { ["tagged"] = TaggedOnly },
        };
    }

    private const string UserKey = "AKUSER";

    private const string TaggedOnly = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*",
          "Condition":{"StringEquals":{"s3:ExistingObjectTag/team":"ml"}}}]}
        """;

    private async Task SetUpBucketAsync(bool versioned)
    {
        await _h.CreateBucketAsync();
        Assert.Equal(200, (await _h.SendAsync("PUT", "/bucket?publicAccessBlock", NoPab)).Status);
        if (versioned)
            Assert.Equal(200, (await _h.SendAsync("PUT", "/bucket?versioning", "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>")).Status);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task Anonymous_read_allowed_by_the_object_acl_reads_the_object_row_once(string method)
    {
        await SetUpBucketAsync(versioned: false);
        Assert.Equal(200, (await _h.PutAsync("bucket", "public.txt", "open data", PublicRead)).Status);
        _counter.Reset();

        var r = await _h.SendAsync(method, "/bucket/public.txt", anonymous: true);

        Assert.Equal(200, r.Status);
        if (method == "GET")
            Assert.Equal("open data", r.Text);
        Assert.Equal(1, _counter.CountOf("GetObjectAsync"));
    }

    [Fact]
    public async Task Anonymous_read_of_an_older_version_serves_that_version_from_one_read()
    {
        await SetUpBucketAsync(versioned: true);
        var first = await _h.PutAsync("bucket", "k", "one", PublicRead);
        Assert.Equal(200, (await _h.PutAsync("bucket", "k", "two", PublicRead)).Status);
        _counter.Reset();

        var r = await _h.SendAsync("GET", $"/bucket/k?versionId={first.Header("x-amz-version-id")}", anonymous: true);

        Assert.Equal((200, "one"), (r.Status, r.Text));
        Assert.Equal(1, _counter.CountOf("GetObjectAsync"));
    }

    [Fact]
    public async Task Object_acl_of_one_version_does_not_open_another()
    {
        await SetUpBucketAsync(versioned: true);
        var first = await _h.PutAsync("bucket", "k", "one", PublicRead);
        Assert.Equal(200, (await _h.PutAsync("bucket", "k", "two")).Status); // private latest

        Assert.Equal(403, (await _h.SendAsync("GET", "/bucket/k", anonymous: true)).Status);
        Assert.Equal("one", (await _h.SendAsync("GET", $"/bucket/k?versionId={first.Header("x-amz-version-id")}", anonymous: true)).Text);
    }

    [Fact]
    public async Task Read_allowed_by_an_existing_object_tag_condition_reads_the_object_row_once()
    {
        await SetUpBucketAsync(versioned: false);
        Assert.Equal(200, (await _h.PutAsync("bucket", "ml.csv", "a,b", new Dictionary<string, string> { ["x-amz-tagging"] = "team=ml" })).Status);
        Assert.Equal(200, (await _h.PutAsync("bucket", "ops.csv", "c,d", new Dictionary<string, string> { ["x-amz-tagging"] = "team=ops" })).Status);
        var asUser = new Dictionary<string, string> { ["Authorization"] = HandlerHarness.SignedBy(UserKey) };
        _counter.Reset();

        var r = await _h.SendAsync("GET", "/bucket/ml.csv", (byte[]?)null, asUser);

        Assert.Equal((200, "a,b"), (r.Status, r.Text));
        Assert.Equal(1, _counter.CountOf("GetObjectAsync"));
        Assert.Equal(403, (await _h.SendAsync("GET", "/bucket/ops.csv", (byte[]?)null, asUser)).Status);
    }
}
