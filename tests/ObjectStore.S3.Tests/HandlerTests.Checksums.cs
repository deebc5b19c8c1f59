using System.IO.Hashing;
using System.Text;
using ObjectStore.S3.Tests.Fakes;

namespace ObjectStore.S3.Tests;

/// <summary>Flexible checksums as the handler stores and returns them (verification itself is tested under Integrity/).</summary>
public sealed class HandlerChecksumTests
{
    private readonly HandlerHarness _h = new();

    private static string Crc32Base64(string s)
    {
        var crc = Crc32.Hash(Encoding.UTF8.GetBytes(s));
        Array.Reverse(crc); // S3 sends the big-endian value
        return Convert.ToBase64String(crc);
    }

    [Fact]
    public async Task Checksum_is_returned_on_get_only_when_checksum_mode_is_enabled_and_not_for_ranges()
    {
        await _h.CreateBucketAsync();
        var put = await _h.PutAsync("bucket", "k", "hello", new Dictionary<string, string> { ["x-amz-checksum-crc32"] = Crc32Base64("hello") });
        Assert.Equal(200, put.Status);
        Assert.Equal(Crc32Base64("hello"), put.Header("x-amz-checksum-crc32"));

        Assert.Null((await _h.SendAsync("GET", "/bucket/k")).Header("x-amz-checksum-crc32"));
        var enabled = await _h.SendAsync("GET", "/bucket/k", headers: new Dictionary<string, string> { ["x-amz-checksum-mode"] = "ENABLED" });
        Assert.Equal(Crc32Base64("hello"), enabled.Header("x-amz-checksum-crc32"));
        var range = await _h.SendAsync("GET", "/bucket/k", headers: new Dictionary<string, string> { ["x-amz-checksum-mode"] = "ENABLED", ["Range"] = "bytes=0-1" });
        Assert.Null(range.Header("x-amz-checksum-crc32"));
    }

    [Fact]
    public async Task Wrong_checksum_header_is_refused_and_nothing_is_stored()
    {
        await _h.CreateBucketAsync();
        var put = await _h.PutAsync("bucket", "k", "hello", new Dictionary<string, string> { ["x-amz-checksum-crc32"] = Crc32Base64("other") });
        Assert.Equal(400, put.Status);
        Assert.Equal("BadDigest", put.XmlValue("Code"));
        Assert.Equal(404, (await _h.SendAsync("GET", "/bucket/k")).Status);
    }
}
