using System.Xml.Linq;
using ObjectStore.Index;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Xml;

namespace ObjectStore.S3.Tests;

public sealed class XmlRenderingTests
{
    private static async Task<string> RenderAsync(Func<Stream, Task> write)
    {
        using var ms = new MemoryStream();
        await write(ms);
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    [Fact]
    public async Task Error_document_has_code_message_details_resource_and_request_id()
    {
        var error = S3Errors.NoSuchKeyError("bucket", "a/b.txt");
        var xml = await RenderAsync(s => S3XmlResponses.WriteErrorAsync(s, error, "REQ123", "HOST456"));
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", xml, StringComparison.OrdinalIgnoreCase);
        var root = XElement.Parse(xml);
        Assert.Equal("Error", root.Name.LocalName);
        Assert.Equal("NoSuchKey", root.Element("Code")!.Value);
        Assert.Equal("The specified key does not exist.", root.Element("Message")!.Value);
        Assert.Equal("a/b.txt", root.Element("Key")!.Value);
        Assert.Equal("/bucket/a/b.txt", root.Element("Resource")!.Value);
        Assert.Equal("REQ123", root.Element("RequestId")!.Value);
        Assert.Equal("HOST456", root.Element("HostId")!.Value);
    }

    private static ObjectRecord Obj(string key) =>
        new("bucket", key, "v", 5, "\"5d41402abc4b2a76b9719d911017c592\"", new DateTimeOffset(2009, 10, 12, 17, 50, 30, TimeSpan.Zero), "STANDARD", "layout");

    [Fact]
    public async Task Listing_v2_is_in_the_s3_namespace_with_millisecond_timestamps()
    {
        var page = new ListObjectsPage(true, "bucket", "", null, 1000, null, false, [Obj("hello.txt")], [], null);
        var xml = await RenderAsync(s => S3XmlResponses.WriteListObjectsAsync(s, page));
        var root = XElement.Parse(xml);
        XNamespace ns = S3XmlWriter.Namespace;
        Assert.Equal(ns + "ListBucketResult", root.Name);
        var contents = root.Element(ns + "Contents")!;
        Assert.Equal("hello.txt", contents.Element(ns + "Key")!.Value);
        Assert.Equal("2009-10-12T17:50:30.000Z", contents.Element(ns + "LastModified")!.Value);
        Assert.Equal("\"5d41402abc4b2a76b9719d911017c592\"", contents.Element(ns + "ETag")!.Value);
        Assert.Equal("5", contents.Element(ns + "Size")!.Value);
        Assert.Equal("STANDARD", contents.Element(ns + "StorageClass")!.Value);
        Assert.Null(contents.Element(ns + "Owner"));
        Assert.Equal("1", root.Element(ns + "KeyCount")!.Value);
    }

    [Fact]
    public async Task Url_encoding_type_applies_to_keys_prefix_delimiter_and_common_prefixes()
    {
        var query = ListingHandler.ListQuery.Parse(new Dictionary<string, string>
        {
            ["list-type"] = "2", ["prefix"] = "a b/", ["delimiter"] = "/+", ["start-after"] = "a b/0", ["encoding-type"] = "url",
        }, v2: true);
        var listing = new ObjectListing([Obj("a b/c+d€")], ["a b/x y/+"], false, null);
        var page = ListingHandler.BuildPage("bucket", query, listing, null);
        var root = XElement.Parse(await RenderAsync(s => S3XmlResponses.WriteListObjectsAsync(s, page)));
        XNamespace ns = S3XmlWriter.Namespace;
        Assert.Equal("a%20b/", root.Element(ns + "Prefix")!.Value);
        Assert.Equal("/%2B", root.Element(ns + "Delimiter")!.Value);
        Assert.Equal("a%20b/0", root.Element(ns + "StartAfter")!.Value);
        Assert.Equal("url", root.Element(ns + "EncodingType")!.Value);
        Assert.Equal("a%20b/c%2Bd%E2%82%AC", root.Element(ns + "Contents")!.Element(ns + "Key")!.Value);
        Assert.Equal("a%20b/x%20y/%2B", root.Element(ns + "CommonPrefixes")!.Element(ns + "Prefix")!.Value);
    }

    [Fact]
    public async Task Listing_v1_marker_is_encoded_and_next_marker_needs_a_delimiter()
    {
        var v1 = ListingHandler.ListQuery.Parse(new Dictionary<string, string> { ["marker"] = "m n", ["encoding-type"] = "url" }, v2: false);
        var truncated = new ObjectListing([Obj("x y")], [], true, "x y");
        var noDelimiter = XElement.Parse(await RenderAsync(s => S3XmlResponses.WriteListObjectsAsync(s, ListingHandler.BuildPage("bucket", v1, truncated, new S3Owner("id", "name")))));
        XNamespace ns = S3XmlWriter.Namespace;
        Assert.Equal("m%20n", noDelimiter.Element(ns + "Marker")!.Value);
        Assert.Null(noDelimiter.Element(ns + "NextMarker"));
        Assert.Equal("id", noDelimiter.Element(ns + "Contents")!.Element(ns + "Owner")!.Element(ns + "ID")!.Value);

        var withDelimiter = v1 with { Delimiter = "/" };
        var root = XElement.Parse(await RenderAsync(s => S3XmlResponses.WriteListObjectsAsync(s, ListingHandler.BuildPage("bucket", withDelimiter, truncated, null))));
        Assert.Equal("x%20y", root.Element(ns + "NextMarker")!.Value);
    }

    [Fact]
    public async Task Control_characters_in_keys_are_written_as_character_references()
    {
        var page = new ListObjectsPage(false, "bucket", "", null, 1000, null, false, [Obj("a\u0001b")], [], null);
        var xml = await RenderAsync(s => S3XmlResponses.WriteListObjectsAsync(s, page));
        Assert.Contains("a&#x1;b", xml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<Delete><Object><Key>a</Key></Object>")]
    [InlineData("<!DOCTYPE x [<!ENTITY e \"boom\">]><Delete><Object><Key>&e;</Key></Object></Delete>")]
    [InlineData("not xml")]
    [InlineData("<Other/>")]
    public void Malformed_or_dtd_bearing_delete_bodies_are_MalformedXML(string body)
    {
        var ex = Assert.Throws<S3Exception>(() =>
            S3XmlRequest.ParseDelete(SafeParse(body), 1000));
        Assert.Equal(S3Errors.MalformedXML, ex.Code);
    }

    private static XElement? SafeParse(string body)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        return S3XmlRequest.Parse(bytes);
    }

    [Fact]
    public void Delete_body_with_more_than_1000_keys_is_MalformedXML()
    {
        var body = "<Delete>" + string.Concat(Enumerable.Range(0, 1001).Select(i => $"<Object><Key>k{i}</Key></Object>")) + "</Delete>";
        var ex = Assert.Throws<S3Exception>(() => S3XmlRequest.ParseDelete(SafeParse(body), 1000));
        Assert.Equal(S3Errors.MalformedXML, ex.Code);
    }

    [Fact]
    public void Delete_body_is_read_with_or_without_the_s3_namespace()
    {
        var body = $"<Delete xmlns=\"{S3XmlWriter.Namespace}\"><Quiet>true</Quiet><Object><Key>a</Key></Object><Object><Key>b</Key><VersionId>v1</VersionId></Object></Delete>";
        var (quiet, objects) = S3XmlRequest.ParseDelete(SafeParse(body), 1000);
        Assert.True(quiet);
        Assert.Equal([("a", (string?)null), ("b", "v1")], objects);
    }
}
