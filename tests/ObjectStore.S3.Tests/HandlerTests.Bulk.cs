using System.Security.Cryptography;
using System.Text;
using ObjectStore.S3.Tests.Fakes;

namespace ObjectStore.S3.Tests;

/// <summary>DeleteObjects, CopyObject, tagging and listing through the handler.</summary>
public sealed class HandlerBulkTests
{
    private readonly HandlerHarness _h = new();

    private static Dictionary<string, string> Md5Header(string body) =>
        new() { ["Content-MD5"] = Convert.ToBase64String(MD5.HashData(Encoding.UTF8.GetBytes(body))) };

    [Fact]
    public async Task Delete_objects_without_a_digest_header_is_InvalidRequest()
    {
        await _h.CreateBucketAsync();
        var r = await _h.SendAsync("POST", "/bucket?delete", "<Delete><Object><Key>a</Key></Object></Delete>");
        Assert.Equal(400, r.Status);
        Assert.Equal("InvalidRequest", r.XmlValue("Code"));
        Assert.Equal("Missing required header for this request: Content-MD5", r.XmlValue("Message"));
    }

    [Fact]
    public async Task Delete_objects_reports_each_key_and_quiet_reports_only_errors()
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "a", "1");
        await _h.PutAsync("bucket", "b", "2");
        var body = "<Delete><Object><Key>a</Key></Object><Object><Key>missing</Key></Object><Object><Key>" + new string('k', 1025) + "</Key></Object></Delete>";
        var r = await _h.SendAsync("POST", "/bucket?delete", body, Md5Header(body));
        Assert.Equal(200, r.Status);
        Assert.Equal(["a", "missing"], r.Xml.Elements().Where(e => e.Name.LocalName == "Deleted").Select(e => e.Elements().First().Value));
        Assert.Equal("KeyTooLongError", r.XmlValues("Code").Single());

        var quietBody = "<Delete><Quiet>true</Quiet><Object><Key>b</Key></Object></Delete>";
        var quiet = await _h.SendAsync("POST", "/bucket?delete", quietBody, Md5Header(quietBody));
        Assert.Empty(quiet.Xml.Elements());
        Assert.Equal(2, _h.Index.PendingDeletions.Count);
        await _h.CollectPendingDeletionsAsync();
        Assert.Empty(_h.Data.Data);
    }

    [Fact]
    public async Task Delete_objects_with_a_wrong_md5_is_BadDigest()
    {
        await _h.CreateBucketAsync();
        var body = "<Delete><Object><Key>a</Key></Object></Delete>";
        var r = await _h.SendAsync("POST", "/bucket?delete", body, Md5Header("something else"));
        Assert.Equal("BadDigest", r.XmlValue("Code"));
    }

    [Fact]
    public async Task Copy_onto_itself_without_replace_is_InvalidRequest()
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "k", "data");
        var r = await _h.SendAsync("PUT", "/bucket/k", headers: new Dictionary<string, string> { ["x-amz-copy-source"] = "/bucket/k" });
        Assert.Equal(400, r.Status);
        Assert.Contains("copy an object to itself", r.XmlValue("Message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_duplicates_bytes_and_metadata_or_replaces_them()
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "src key", "payload", new Dictionary<string, string> { ["x-amz-meta-a"] = "1", ["Content-Type"] = "text/plain" });
        var copy = await _h.SendAsync("PUT", "/bucket/dst", headers: new Dictionary<string, string> { ["x-amz-copy-source"] = "bucket/src%20key" });
        Assert.Equal(200, copy.Status);
        Assert.Equal("\"321c3cf486ed509164edec1e1981fec8\"", copy.XmlValue("ETag"));
        Assert.EndsWith("Z", copy.XmlValue("LastModified"), StringComparison.Ordinal);
        var get = await _h.SendAsync("GET", "/bucket/dst");
        Assert.Equal("payload", get.Text);
        Assert.Equal("1", get.Header("x-amz-meta-a"));
        Assert.Equal("text/plain", get.Header("Content-Type"));

        var replace = await _h.SendAsync("PUT", "/bucket/src%20key", headers: new Dictionary<string, string>
        {
            ["x-amz-copy-source"] = "/bucket/src%20key", ["x-amz-metadata-directive"] = "REPLACE", ["x-amz-meta-b"] = "2",
        });
        Assert.Equal(200, replace.Status);
        var after = await _h.SendAsync("HEAD", "/bucket/src%20key");
        Assert.Null(after.Header("x-amz-meta-a"));
        Assert.Equal("2", after.Header("x-amz-meta-b"));
        await _h.CollectPendingDeletionsAsync(); // the data the in-place copy replaced
        Assert.Equal(2, _h.Data.Data.Count);
    }

    [Fact]
    public async Task Copy_source_condition_failure_is_412()
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "k", "data");
        var r = await _h.SendAsync("PUT", "/bucket/d", headers: new Dictionary<string, string>
        {
            ["x-amz-copy-source"] = "/bucket/k", ["x-amz-copy-source-if-match"] = "\"nope\"",
        });
        Assert.Equal(412, r.Status);
    }

    [Fact]
    public async Task Object_tagging_round_trips_and_limits_are_InvalidTag()
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "k", "data");
        var put = await _h.SendAsync("PUT", "/bucket/k?tagging", "<Tagging><TagSet><Tag><Key>team</Key><Value>ml</Value></Tag></TagSet></Tagging>");
        Assert.Equal(200, put.Status);
        var get = await _h.SendAsync("GET", "/bucket/k?tagging");
        Assert.Equal("team", get.XmlValue("Key"));
        Assert.Equal("ml", get.XmlValue("Value"));
        Assert.Single(_h.Data.Data);

        var eleven = "<Tagging><TagSet>" + string.Concat(Enumerable.Range(0, 11).Select(i => $"<Tag><Key>k{i}</Key><Value>v</Value></Tag>")) + "</TagSet></Tagging>";
        Assert.Equal("InvalidTag", (await _h.SendAsync("PUT", "/bucket/k?tagging", eleven)).XmlValue("Code"));
        var longKey = $"<Tagging><TagSet><Tag><Key>{new string('k', 129)}</Key><Value>v</Value></Tag></TagSet></Tagging>";
        Assert.Equal("InvalidTag", (await _h.SendAsync("PUT", "/bucket/k?tagging", longKey)).XmlValue("Code"));
        Assert.Equal(204, (await _h.SendAsync("DELETE", "/bucket/k?tagging")).Status);
        Assert.Empty((await _h.SendAsync("GET", "/bucket/k?tagging")).XmlValues("Tag"));
    }

    [Fact]
    public async Task Bucket_tagging_is_NoSuchTagSet_until_set()
    {
        await _h.CreateBucketAsync();
        Assert.Equal("NoSuchTagSet", (await _h.SendAsync("GET", "/bucket?tagging")).XmlValue("Code"));
        await _h.SendAsync("PUT", "/bucket?tagging", "<Tagging><TagSet><Tag><Key>env</Key><Value>dev</Value></Tag></TagSet></Tagging>");
        Assert.Equal("dev", (await _h.SendAsync("GET", "/bucket?tagging")).XmlValue("Value"));
        Assert.Empty((await _h.SendAsync("GET", "/bucket?versioning")).Xml.Elements());
    }

    [Fact]
    public async Task List_v2_pages_with_continuation_tokens_and_rolls_up_common_prefixes()
    {
        await _h.CreateBucketAsync();
        foreach (var key in new[] { "a", "b/1", "b/2", "c", "d" })
            await _h.PutAsync("bucket", key, "x");

        var first = await _h.SendAsync("GET", "/bucket?list-type=2&delimiter=%2F&max-keys=2");
        Assert.Equal("true", first.XmlValue("IsTruncated"));
        Assert.Equal("2", first.XmlValue("KeyCount"));
        Assert.Equal(["a"], first.XmlValues("Key"));
        Assert.Equal(["b/"], first.Xml.Descendants().Where(e => e.Name.LocalName == "CommonPrefixes").Select(e => e.Value));
        var token = first.XmlValue("NextContinuationToken")!;

        var second = await _h.SendAsync("GET", "/bucket?list-type=2&delimiter=%2F&max-keys=2&continuation-token=" + Uri.EscapeDataString(token));
        Assert.Equal(["c", "d"], second.XmlValues("Key"));
        Assert.Equal("false", second.XmlValue("IsTruncated"));
        Assert.Null(second.XmlValue("NextContinuationToken"));
    }

    [Theory]
    [InlineData("/bucket?list-type=2&encoding-type=base64", "InvalidArgument")]
    [InlineData("/bucket?list-type=2&max-keys=-1", "InvalidArgument")]
    [InlineData("/bucket?list-type=2&max-keys=abc", "InvalidArgument")]
    [InlineData("/bucket?list-type=2&continuation-token=%25%25", "InvalidArgument")]
    [InlineData("/nobucket?list-type=2", "NoSuchBucket")]
    public async Task Bad_listing_arguments_are_client_errors(string target, string code)
    {
        await _h.CreateBucketAsync();
        var r = await _h.SendAsync("GET", target);
        Assert.Equal(code, r.XmlValue("Code"));
        Assert.InRange(r.Status, 400, 404);
    }

    [Fact]
    public async Task List_v1_max_keys_over_1000_is_capped_and_zero_returns_nothing()
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "a", "x");
        var capped = await _h.SendAsync("GET", "/bucket?max-keys=5000");
        Assert.Equal("1000", capped.XmlValue("MaxKeys"));
        Assert.Equal("a", capped.XmlValue("Key"));
        var zero = await _h.SendAsync("GET", "/bucket?list-type=2&max-keys=0");
        Assert.Equal("0", zero.XmlValue("KeyCount"));
        Assert.Equal("false", zero.XmlValue("IsTruncated"));
    }

    [Fact]
    public async Task List_buckets_has_owner_and_creation_dates()
    {
        await _h.CreateBucketAsync("one");
        await _h.CreateBucketAsync("two");
        var r = await _h.SendAsync("GET", "/");
        Assert.Equal(["one", "two"], r.XmlValues("Name"));
        Assert.NotNull(r.XmlValue("ID"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", r.XmlValue("CreationDate"));
    }
}
