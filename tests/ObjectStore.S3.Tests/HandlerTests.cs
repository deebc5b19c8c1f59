using System.Security.Cryptography;
using System.Text;
using ObjectStore.S3.Tests.Fakes;

namespace ObjectStore.S3.Tests;

/// <summary>Protocol behaviour of the request handler, over in-process fakes of the index and data store.</summary>
public sealed class HandlerTests
{
    private readonly HandlerHarness _h = new();

    private static string Md5Base64(string s) => Convert.ToBase64String(MD5.HashData(Encoding.UTF8.GetBytes(s)));

    [Fact]
    public async Task Every_response_carries_request_ids()
    {
        var ok = await _h.SendAsync("GET", "/");
        var error = await _h.SendAsync("GET", "/missing");
        foreach (var r in new[] { ok, error })
        {
            Assert.Matches("^[0-9A-F]{16}$", r.Header("x-amz-request-id"));
            Assert.False(string.IsNullOrEmpty(r.Header("x-amz-id-2")));
        }
        Assert.Equal(error.Header("x-amz-request-id"), error.XmlValue("RequestId"));
    }

    [Fact]
    public async Task Get_racing_an_overwrite_serves_the_version_it_started_on()
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "k", "old bytes");
        _h.Data.BeforeNextRead = () => _h.PutAsync("bucket", "k", "new bytes");

        var r = await _h.SendAsync("GET", "/bucket/k");

        Assert.Equal(200, r.Status);
        // The replaced data is only pending deletion, as in S3: a GET that has started finishes with its version.
        Assert.Equal("old bytes", r.Text);
        Assert.Equal("\"" + Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes("old bytes"))) + "\"", r.Header("ETag"));
        Assert.Single(_h.Index.PendingDeletions);
    }

    [Fact]
    public async Task Get_of_data_lost_without_a_newer_version_is_InternalError()
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "k", "bytes");
        _h.Data.Data.Clear();

        var r = await _h.SendAsync("GET", "/bucket/k");

        Assert.Equal(500, r.Status);
        Assert.Equal("InternalError", r.XmlValue("Code"));
    }

    [Fact]
    public async Task Anonymous_request_is_AccessDenied()
    {
        var r = await _h.SendAsync("GET", "/", anonymous: true);
        Assert.Equal(403, r.Status);
        Assert.Equal("AccessDenied", r.XmlValue("Code"));
    }

    [Fact]
    public async Task Operation_not_built_yet_is_NotImplemented_in_s3_xml()
    {
        await _h.CreateBucketAsync();
        var r = await _h.SendAsync("PUT", "/bucket?website", "<WebsiteConfiguration/>");
        Assert.Equal(501, r.Status);
        Assert.Equal("NotImplemented", r.XmlValue("Code"));
        Assert.Equal("application/xml", r.Header("Content-Type"));
    }

    [Fact]
    public async Task Unknown_verb_is_MethodNotAllowed()
    {
        var r = await _h.SendAsync("DELETE", "/");
        Assert.Equal(405, r.Status);
        Assert.Equal("MethodNotAllowed", r.XmlValue("Code"));
    }

    [Fact]
    public async Task Head_errors_have_no_body()
    {
        await _h.CreateBucketAsync();
        var r = await _h.SendAsync("HEAD", "/bucket/missing");
        Assert.Equal(404, r.Status);
        Assert.Empty(r.Body);
    }

    [Fact]
    public async Task Reserved_bucket_name_is_refused_with_the_reason()
    {
        var r = await _h.SendAsync("PUT", "/admin");
        Assert.Equal(400, r.Status);
        Assert.Equal("InvalidBucketName", r.XmlValue("Code"));
        Assert.Contains("reserved", r.XmlValue("Message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creating_your_own_bucket_again_is_200_in_us_east_1_as_S3s_legacy_answer()
    {
        await _h.CreateBucketAsync();
        var r = await _h.SendAsync("PUT", "/bucket");
        Assert.Equal(200, r.Status);
    }

    [Fact]
    public async Task Creating_your_own_bucket_again_outside_us_east_1_is_BucketAlreadyOwnedByYou()
    {
        var europe = new HandlerHarness(o => o.Region = "eu-west-1");
        Assert.Equal(200, (await europe.SendAsync("PUT", "/bucket")).Status);
        var r = await europe.SendAsync("PUT", "/bucket");
        Assert.Equal(409, r.Status);
        Assert.Equal("BucketAlreadyOwnedByYou", r.XmlValue("Code"));
    }

    [Fact]
    public async Task Location_constraint_of_the_servers_region_is_accepted_and_us_east_1_is_empty()
    {
        var europe = new HandlerHarness(o => o.Region = "eu-west-1");
        await europe.SendAsync("PUT", "/europe", "<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>");
        await _h.CreateBucketAsync("usa");
        Assert.Equal("eu-west-1", (await europe.SendAsync("GET", "/europe?location")).XmlValue("LocationConstraint"));
        Assert.Equal("", (await _h.SendAsync("GET", "/usa?location")).XmlValue("LocationConstraint"));
        Assert.Equal("eu-west-1", (await europe.SendAsync("HEAD", "/europe")).Header("x-amz-bucket-region"));
    }

    [Fact]
    public async Task Location_constraint_of_another_region_is_IllegalLocationConstraintException_and_creates_nothing()
    {
        var r = await _h.SendAsync("PUT", "/europe", "<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>");

        Assert.Equal(400, r.Status);
        Assert.Equal("IllegalLocationConstraintException", r.XmlValue("Code"));
        Assert.Equal(404, (await _h.SendAsync("HEAD", "/europe")).Status);
    }

    [Fact]
    public async Task Malformed_create_bucket_body_is_MalformedXML()
    {
        var r = await _h.SendAsync("PUT", "/bucket", "<CreateBucketConfiguration><oops>");
        Assert.Equal(400, r.Status);
        Assert.Equal("MalformedXML", r.XmlValue("Code"));
    }

    [Fact]
    public async Task Put_then_get_returns_bytes_and_stored_headers()
    {
        await _h.CreateBucketAsync();
        var put = await _h.PutAsync("bucket", "dir/hello%20world.txt", "hello", new Dictionary<string, string>
        {
            ["Content-Type"] = "text/plain",
            ["Content-Encoding"] = "aws-chunked,gzip",
            ["Cache-Control"] = "no-cache",
            ["x-amz-meta-Color"] = "blue",
            ["x-amz-tagging"] = "a=1&b=two%20words",
            ["Content-MD5"] = Md5Base64("hello"),
        });
        Assert.Equal(200, put.Status);
        Assert.Equal("\"5d41402abc4b2a76b9719d911017c592\"", put.Header("ETag"));

        var get = await _h.SendAsync("GET", "/bucket/dir/hello%20world.txt");
        Assert.Equal(200, get.Status);
        Assert.Equal("hello", get.Text);
        Assert.Equal("text/plain", get.Header("Content-Type"));
        Assert.Equal("gzip", get.Header("Content-Encoding"));
        Assert.Equal("no-cache", get.Header("Cache-Control"));
        Assert.Equal("blue", get.Header("x-amz-meta-color"));
        Assert.Equal("2", get.Header("x-amz-tagging-count"));
        Assert.Equal("bytes", get.Header("Accept-Ranges"));
        Assert.Equal("5", get.Header("Content-Length"));
        Assert.Null(get.Header("x-amz-storage-class"));
        Assert.EndsWith("GMT", get.Header("Last-Modified"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Default_content_type_is_binary_octet_stream_and_overrides_apply()
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "k", "x", new Dictionary<string, string> { ["x-amz-storage-class"] = "STANDARD_IA" });
        var get = await _h.SendAsync("GET", "/bucket/k");
        Assert.Equal("binary/octet-stream", get.Header("Content-Type"));
        Assert.Equal("STANDARD_IA", get.Header("x-amz-storage-class"));
        var over = await _h.SendAsync("GET", "/bucket/k?response-content-type=text%2Fcsv&response-cache-control=max-age%3D5");
        Assert.Equal("text/csv", over.Header("Content-Type"));
        Assert.Equal("max-age=5", over.Header("Cache-Control"));
    }

    [Fact]
    public async Task Unknown_storage_class_is_InvalidStorageClass()
    {
        await _h.CreateBucketAsync();
        var r = await _h.PutAsync("bucket", "k", "x", new Dictionary<string, string> { ["x-amz-storage-class"] = "TAPE" });
        Assert.Equal("InvalidStorageClass", r.XmlValue("Code"));
        Assert.Empty(_h.Data.Data);
    }

    [Fact]
    public async Task Metadata_over_2_KB_is_MetadataTooLarge()
    {
        await _h.CreateBucketAsync();
        var r = await _h.PutAsync("bucket", "k", "x", new Dictionary<string, string> { ["x-amz-meta-big"] = new string('v', 2046) });
        Assert.Equal(400, r.Status);
        Assert.Equal("MetadataTooLarge", r.XmlValue("Code"));
    }

    [Fact]
    public async Task Put_without_content_length_is_MissingContentLength()
    {
        await _h.CreateBucketAsync();
        var r = await _h.SendAsync("PUT", "/bucket/k", Encoding.UTF8.GetBytes("abc"), omitContentLength: true);
        Assert.Equal(411, r.Status);
        Assert.Equal("MissingContentLength", r.XmlValue("Code"));
    }

    [Fact]
    public async Task Put_larger_than_the_single_put_limit_is_EntityTooLarge()
    {
        var h = new HandlerHarness(o => o.MaxSinglePutSize = 4);
        await h.CreateBucketAsync();
        var r = await h.PutAsync("bucket", "k", "12345");
        Assert.Equal("EntityTooLarge", r.XmlValue("Code"));
    }

    [Fact]
    public async Task Wrong_content_md5_is_BadDigest_and_leaves_no_data()
    {
        await _h.CreateBucketAsync();
        var r = await _h.PutAsync("bucket", "k", "hello", new Dictionary<string, string> { ["Content-MD5"] = Md5Base64("other") });
        Assert.Equal(400, r.Status);
        Assert.Equal("BadDigest", r.XmlValue("Code"));
        Assert.Empty(_h.Data.Data);
        Assert.Equal(404, (await _h.SendAsync("GET", "/bucket/k")).Status);
    }

    [Fact]
    public async Task Malformed_content_md5_is_InvalidDigest()
    {
        await _h.CreateBucketAsync();
        var r = await _h.PutAsync("bucket", "k", "hello", new Dictionary<string, string> { ["Content-MD5"] = "not-base64!" });
        Assert.Equal("InvalidDigest", r.XmlValue("Code"));
    }

    [Fact]
    public async Task Overwrite_leaves_the_replaced_data_pending_deletion_until_collected()
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "k", "one");
        await _h.PutAsync("bucket", "k", "two");
        Assert.Equal(2, _h.Data.Data.Count);
        Assert.Equal("k", Assert.Single(_h.Index.PendingDeletions).Key);
        await _h.CollectPendingDeletionsAsync();
        Assert.Single(_h.Data.Data);
        Assert.Equal("two", (await _h.SendAsync("GET", "/bucket/k")).Text);
    }

    [Fact]
    public async Task If_none_match_star_on_an_existing_key_is_PreconditionFailed_and_keeps_the_old_object()
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "k", "one");
        var r = await _h.PutAsync("bucket", "k", "two", new Dictionary<string, string> { ["If-None-Match"] = "*" });
        Assert.Equal(412, r.Status);
        Assert.Equal("PreconditionFailed", r.XmlValue("Code"));
        Assert.Single(_h.Data.Data);
        Assert.Equal("one", (await _h.SendAsync("GET", "/bucket/k")).Text);
    }

    [Fact]
    public async Task If_match_write_succeeds_only_on_the_current_etag()
    {
        await _h.CreateBucketAsync();
        var first = await _h.PutAsync("bucket", "k", "one");
        var stale = await _h.PutAsync("bucket", "k", "x", new Dictionary<string, string> { ["If-Match"] = "\"0000\"" });
        Assert.Equal(412, stale.Status);
        var ok = await _h.PutAsync("bucket", "k", "two", new Dictionary<string, string> { ["If-Match"] = first.Header("ETag")! });
        Assert.Equal(200, ok.Status);
    }

    [Fact]
    public async Task Index_failure_deletes_the_just_written_data_and_is_InternalError()
    {
        await _h.CreateBucketAsync();
        _h.Index.FailNextPut = new InvalidOperationException("table down");
        var r = await _h.PutAsync("bucket", "k", "data");
        Assert.Equal(500, r.Status);
        Assert.Equal("InternalError", r.XmlValue("Code"));
        Assert.Equal(r.Header("x-amz-request-id"), r.XmlValue("RequestId"));
        Assert.Empty(_h.Data.Data);
    }

    [Fact]
    public async Task Range_read_is_206_with_content_range()
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "k", "0123456789");
        var r = await _h.SendAsync("GET", "/bucket/k", headers: new Dictionary<string, string> { ["Range"] = "bytes=2-4" });
        Assert.Equal(206, r.Status);
        Assert.Equal("234", r.Text);
        Assert.Equal("bytes 2-4/10", r.Header("Content-Range"));
        Assert.Equal("3", r.Header("Content-Length"));
    }

    [Fact]
    public async Task Unsatisfiable_range_is_416_with_the_size()
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "k", "0123456789");
        var r = await _h.SendAsync("GET", "/bucket/k", headers: new Dictionary<string, string> { ["Range"] = "bytes=10-" });
        Assert.Equal(416, r.Status);
        Assert.Equal("InvalidRange", r.XmlValue("Code"));
        Assert.Equal("bytes */10", r.Header("Content-Range"));
    }

    [Fact]
    public async Task Multiple_ranges_return_the_whole_object()
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "k", "0123456789");
        var r = await _h.SendAsync("GET", "/bucket/k", headers: new Dictionary<string, string> { ["Range"] = "bytes=0-1,4-5" });
        Assert.Equal(200, r.Status);
        Assert.Equal("0123456789", r.Text);
    }

    [Fact]
    public async Task Matching_if_none_match_is_304_without_body()
    {
        await _h.CreateBucketAsync();
        var put = await _h.PutAsync("bucket", "k", "data");
        var r = await _h.SendAsync("GET", "/bucket/k", headers: new Dictionary<string, string> { ["If-None-Match"] = put.Header("ETag")! });
        Assert.Equal(304, r.Status);
        Assert.Empty(r.Body);
        Assert.Equal(put.Header("ETag"), r.Header("ETag"));
        Assert.NotNull(r.Header("Last-Modified"));
    }

    [Fact]
    public async Task Failing_if_match_on_get_is_412()
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "k", "data");
        var r = await _h.SendAsync("GET", "/bucket/k", headers: new Dictionary<string, string> { ["If-Match"] = "\"nope\"" });
        Assert.Equal(412, r.Status);
    }

    [Fact]
    public async Task Head_object_has_headers_and_no_body()
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "k", "data");
        var r = await _h.SendAsync("HEAD", "/bucket/k");
        Assert.Equal(200, r.Status);
        Assert.Equal("4", r.Header("Content-Length"));
        Assert.Empty(r.Body);
    }

    [Fact]
    public async Task Delete_object_is_idempotent_204_and_its_data_is_collected_later()
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "k", "data");
        Assert.Equal(204, (await _h.SendAsync("DELETE", "/bucket/k")).Status);
        Assert.Equal(204, (await _h.SendAsync("DELETE", "/bucket/k")).Status);
        Assert.Single(_h.Data.Data);
        Assert.Single(_h.Index.PendingDeletions);
        await _h.CollectPendingDeletionsAsync();
        Assert.Empty(_h.Data.Data);
        Assert.Equal("NoSuchBucket", (await _h.SendAsync("DELETE", "/nobucket/k")).XmlValue("Code"));
    }

    [Fact]
    public async Task Delete_bucket_with_objects_is_BucketNotEmpty()
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "k", "data");
        Assert.Equal("BucketNotEmpty", (await _h.SendAsync("DELETE", "/bucket")).XmlValue("Code"));
        await _h.SendAsync("DELETE", "/bucket/k");
        Assert.Equal(204, (await _h.SendAsync("DELETE", "/bucket")).Status);
    }

    [Fact]
    public async Task Virtual_hosted_request_addresses_the_bucket_from_the_host()
    {
        await _h.CreateBucketAsync("photos");
        var put = await _h.SendAsync("PUT", "/cat.jpg", Encoding.UTF8.GetBytes("meow"), host: "photos.s3.local:9000");
        Assert.Equal(200, put.Status);
        Assert.Equal("meow", (await _h.SendAsync("GET", "/photos/cat.jpg")).Text);
    }
}
