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

    [Fact]
    public async Task A_delete_objects_entry_with_a_malformed_version_id_is_its_own_InvalidArgument()
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "keep", "data");
        await _h.PutAsync("bucket", "gone", "data");
        const string body = "<Delete><Object><Key>keep</Key><VersionId>zzz</VersionId></Object><Object><Key>gone</Key></Object></Delete>";

        var response = await _h.SendAsync("POST", "/bucket?delete", System.Text.Encoding.UTF8.GetBytes(body),
            new Dictionary<string, string> { ["Content-MD5"] = Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(body))) });

        Assert.Equal(200, response.Status);
        Assert.Equal(["InvalidArgument"], response.XmlValues("Code"));
        Assert.Equal(["gone"], response.Xml.Descendants().Where(e => e.Name.LocalName == "Deleted").Select(e => e.Elements().First(x => x.Name.LocalName == "Key").Value));
        Assert.Equal(200, (await _h.SendAsync("GET", "/bucket/keep")).Status);
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
