using ObjectStore.S3.Tests.Fakes;

namespace ObjectStore.S3.Tests;

/// <summary>
/// A GET or HEAD that only an object ACL allows reads the version's index row once: the record the ACL
/// check read is the one served when it is the version requested.
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
    }

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
}
