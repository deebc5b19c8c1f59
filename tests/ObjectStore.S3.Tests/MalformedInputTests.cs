using ObjectStore.S3.Tests.Fakes;

namespace ObjectStore.S3.Tests;

/// <summary>Malformed identifiers and header values get S3's 400, and change nothing.</summary>
public sealed class MalformedInputTests
{
    private readonly HandlerHarness _h = new();

    [Theory]
    [InlineData("DELETE")]
    [InlineData("GET")]
    public async Task A_malformed_version_id_is_400_and_deletes_nothing(string method)
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "key", "data");

        var response = await _h.SendAsync(method, "/bucket/key?versionId=zzz");

        Assert.Equal(400, response.Status);
        Assert.Equal("InvalidArgument", response.XmlValue("Code"));
        Assert.Equal(200, (await _h.SendAsync("GET", "/bucket/key")).Status);
    }

    [Theory]
    [InlineData("a=%ZZ")]
    [InlineData("%ZZ=b")]
    public async Task A_tagging_header_with_a_bad_percent_escape_is_refused_and_stores_nothing(string tagging)
    {
        await _h.CreateBucketAsync();

        var response = await _h.PutAsync("bucket", "key", "data", new Dictionary<string, string> { ["x-amz-tagging"] = tagging });

        Assert.Equal(400, response.Status);
        Assert.Equal("InvalidArgument", response.XmlValue("Code"));
        Assert.Equal(404, (await _h.SendAsync("HEAD", "/bucket/key")).Status);
    }
}
