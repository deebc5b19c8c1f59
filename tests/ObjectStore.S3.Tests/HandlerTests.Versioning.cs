using ObjectStore.S3.Tests.Fakes;

namespace ObjectStore.S3.Tests;

/// <summary>The protocol side of versioning: documents, headers and error shapes (semantics are tested on the Table index).</summary>
public sealed class VersioningHandlerTests
{
    private readonly HandlerHarness _h = new();

    private Task<TestResponse> SetVersioningAsync(string status) =>
        _h.SendAsync("PUT", "/bucket?versioning", $"<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>{status}</Status></VersioningConfiguration>");

    [Fact]
    public async Task Never_versioned_bucket_reports_no_status_then_the_one_set()
    {
        await _h.CreateBucketAsync();
        var before = await _h.SendAsync("GET", "/bucket?versioning");
        Assert.Equal("VersioningConfiguration", before.Xml.Name.LocalName);
        Assert.Null(before.XmlValue("Status"));

        Assert.Equal(200, (await SetVersioningAsync("Enabled")).Status);
        Assert.Equal("Enabled", (await _h.SendAsync("GET", "/bucket?versioning")).XmlValue("Status"));
        Assert.Equal(200, (await SetVersioningAsync("Suspended")).Status);
        Assert.Equal("Suspended", (await _h.SendAsync("GET", "/bucket?versioning")).XmlValue("Status"));
    }

    [Theory]
    [InlineData("enabled")]
    [InlineData("Disabled")]
    public async Task Invalid_status_is_IllegalVersioningConfigurationException(string status)
    {
        await _h.CreateBucketAsync();
        var r = await SetVersioningAsync(status);
        Assert.Equal(400, r.Status);
        Assert.Equal("IllegalVersioningConfigurationException", r.XmlValue("Code"));
        Assert.Null((await _h.SendAsync("GET", "/bucket?versioning")).XmlValue("Status"));
    }

    [Fact]
    public async Task Versioning_of_a_missing_bucket_is_NoSuchBucket()
    {
        var r = await SetVersioningAsync("Enabled");
        Assert.Equal(404, r.Status);
        Assert.Equal("NoSuchBucket", r.XmlValue("Code"));
    }

    [Fact]
    public async Task Writes_in_an_enabled_bucket_carry_version_ids_and_old_versions_stay_readable()
    {
        await _h.CreateBucketAsync();
        var unversioned = await _h.PutAsync("bucket", "k", "zero");
        Assert.Null(unversioned.Header("x-amz-version-id"));
        await SetVersioningAsync("Enabled");

        var first = await _h.PutAsync("bucket", "k", "one");
        var second = await _h.PutAsync("bucket", "k", "two");
        var v1 = first.Header("x-amz-version-id");
        Assert.NotNull(v1);
        Assert.NotEqual(v1, second.Header("x-amz-version-id"));

        var latest = await _h.SendAsync("GET", "/bucket/k");
        Assert.Equal("two", latest.Text);
        Assert.Equal(second.Header("x-amz-version-id"), latest.Header("x-amz-version-id"));
        Assert.Equal("one", (await _h.SendAsync("GET", $"/bucket/k?versionId={v1}")).Text);
        var nullVersion = await _h.SendAsync("GET", "/bucket/k?versionId=null");
        Assert.Equal("zero", nullVersion.Text);
        Assert.Equal("null", nullVersion.Header("x-amz-version-id"));
        var missing = await _h.SendAsync("GET", "/bucket/k?versionId=AAAAAAAAAAAAAAAA");
        Assert.Equal(404, missing.Status);
        Assert.Equal("NoSuchVersion", missing.XmlValue("Code"));
    }

    [Fact]
    public async Task Delete_marker_hides_the_key_with_its_headers_and_is_405_by_version_id()
    {
        await _h.CreateBucketAsync();
        await SetVersioningAsync("Enabled");
        await _h.PutAsync("bucket", "k", "one");

        var delete = await _h.SendAsync("DELETE", "/bucket/k");
        Assert.Equal(204, delete.Status);
        Assert.Equal("true", delete.Header("x-amz-delete-marker"));
        var markerId = delete.Header("x-amz-version-id");
        Assert.NotNull(markerId);

        var get = await _h.SendAsync("GET", "/bucket/k");
        Assert.Equal(404, get.Status);
        Assert.Equal("NoSuchKey", get.XmlValue("Code"));
        Assert.Equal("true", get.Header("x-amz-delete-marker"));
        Assert.Equal(markerId, get.Header("x-amz-version-id"));

        var byId = await _h.SendAsync("HEAD", $"/bucket/k?versionId={markerId}");
        Assert.Equal(405, byId.Status);
        Assert.Equal("true", byId.Header("x-amz-delete-marker"));
        Assert.NotNull(byId.Header("Last-Modified"));

        var undelete = await _h.SendAsync("DELETE", $"/bucket/k?versionId={markerId}");
        Assert.Equal(204, undelete.Status);
        Assert.Equal("true", undelete.Header("x-amz-delete-marker"));
        Assert.Equal(markerId, undelete.Header("x-amz-version-id"));
        Assert.Equal("one", (await _h.SendAsync("GET", "/bucket/k")).Text);
    }

    [Fact]
    public async Task List_object_versions_renders_versions_and_markers()
    {
        await _h.CreateBucketAsync();
        await SetVersioningAsync("Enabled");
        await _h.PutAsync("bucket", "a key", "one");
        await _h.SendAsync("DELETE", "/bucket/a%20key");

        var r = await _h.SendAsync("GET", "/bucket?versions&encoding-type=url");
        Assert.Equal(200, r.Status);
        Assert.Equal("ListVersionsResult", r.Xml.Name.LocalName);
        var marker = Assert.Single(r.Xml.Elements(), e => e.Name.LocalName == "DeleteMarker");
        var version = Assert.Single(r.Xml.Elements(), e => e.Name.LocalName == "Version");
        Assert.Equal("a%20key", marker.Elements().First(e => e.Name.LocalName == "Key").Value);
        Assert.Equal("true", marker.Elements().First(e => e.Name.LocalName == "IsLatest").Value);
        Assert.Equal("false", version.Elements().First(e => e.Name.LocalName == "IsLatest").Value);
        Assert.Equal("\"f97c5d29941bfb1b2fdab0874906ab82\"", version.Elements().First(e => e.Name.LocalName == "ETag").Value);

        var badMarker = await _h.SendAsync("GET", "/bucket?versions&version-id-marker=x");
        Assert.Equal(400, badMarker.Status);
        Assert.Equal("InvalidArgument", badMarker.XmlValue("Code"));
    }

    [Fact]
    public async Task Delete_objects_reports_created_delete_markers()
    {
        await _h.CreateBucketAsync();
        await SetVersioningAsync("Enabled");
        await _h.PutAsync("bucket", "k", "one");
        var body = "<Delete><Object><Key>k</Key></Object></Delete>";
        var r = await _h.SendAsync("POST", "/bucket?delete", body, new Dictionary<string, string>
        {
            ["Content-MD5"] = Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(body))),
        });
        Assert.Equal(200, r.Status);
        Assert.Equal("true", r.XmlValue("DeleteMarker"));
        Assert.False(string.IsNullOrEmpty(r.XmlValue("DeleteMarkerVersionId")));
    }
}
