using System.Text;
using System.Xml;
using ObjectStore.Lifecycle;
using ObjectStore.S3.Tests.Fakes;

namespace ObjectStore.S3.Tests;

/// <summary>Hostile XML bodies: deep nesting and huge element counts are refused before any tree is built.</summary>
public sealed class XmlLimitsTests
{
    private static string Nested(string outer, string inner, int depth) =>
        $"<{outer}>" + string.Concat(Enumerable.Repeat($"<{inner}>", depth)) + string.Concat(Enumerable.Repeat($"</{inner}>", depth)) + $"</{outer}>";

    [Fact]
    public void A_document_nested_deeper_than_the_limit_is_refused_by_the_pre_pass()
    {
        var ex = Assert.Throws<XmlException>(() => BoundedXml.Load(Nested("a", "b", BoundedXml.MaxDepth), keepWhitespace: false));
        Assert.Contains("nested more than", ex.Message, StringComparison.Ordinal);
        Assert.Equal("a", BoundedXml.Load(Nested("a", "b", BoundedXml.MaxDepth - 2), keepWhitespace: false).Name.LocalName);
    }

    [Fact]
    public void A_document_with_more_elements_than_any_S3_document_is_refused()
    {
        var flat = "<Delete>" + string.Concat(Enumerable.Repeat("<Object/>", BoundedXml.MaxElements)) + "</Delete>";

        var ex = Assert.Throws<XmlException>(() => BoundedXml.Load(Encoding.UTF8.GetBytes(flat), keepWhitespace: true));
        Assert.Contains("more than", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Whitespace_only_text_is_kept_for_S3_documents()
    {
        var root = BoundedXml.Load("<Delete><Object><Key> </Key></Object></Delete>"u8.ToArray(), keepWhitespace: true);
        Assert.Equal(" ", root.Descendants("Key").Single().Value);
    }

    [Theory]
    [InlineData("PUT", "/bucket?lifecycle", "LifecycleConfiguration", "Rule")]
    [InlineData("PUT", "/bucket?tagging", "Tagging", "TagSet")]
    [InlineData("PUT", "/bucket?notification", "NotificationConfiguration", "QueueConfiguration")]
    [InlineData("POST", "/bucket/key?uploads", null, null)]
    public async Task Deeply_nested_configuration_bodies_are_MalformedXML(string method, string target, string? outer, string? inner)
    {
        var h = new HandlerHarness();
        await h.CreateBucketAsync();
        if (outer is null)
        {
            var upload = (await h.SendAsync("POST", "/bucket/key?uploads")).XmlValue("UploadId");
            (method, target, outer, inner) = ("POST", "/bucket/key?uploadId=" + upload, "CompleteMultipartUpload", "Part");
        }
        // Within each body's size cap: about 1.9 MB for lifecycle and complete (1 and 4 MiB), 50 KB for the 64 KiB ones.
        var depth = outer is "LifecycleConfiguration" or "CompleteMultipartUpload" ? 60_000 : 3_000;
        var body = Nested(outer, inner!, depth);

        var response = await h.SendAsync(method, target, body);

        Assert.Equal(400, response.Status);
        Assert.Equal("MalformedXML", response.XmlValue("Code"));
    }
}
