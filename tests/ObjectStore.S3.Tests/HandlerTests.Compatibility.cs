using ObjectStore.S3.Tests.Fakes;

namespace ObjectStore.S3.Tests;

/// <summary>
/// Operations tools call before they write, answered as S3 answers them: request payment, torrents, and the
/// bucket configurations this store does not keep (as for a bucket that never had one).
/// </summary>
public sealed class HandlerCompatibilityTests
{
    private readonly HandlerHarness _h = new();

    [Fact]
    public async Task Request_payment_is_the_bucket_owner_and_only_BucketOwner_can_be_put()
    {
        await _h.CreateBucketAsync();

        var get = await _h.SendAsync("GET", "/bucket?requestPayment");
        Assert.Equal(200, get.Status);
        Assert.Equal("RequestPaymentConfiguration", get.Xml.Name.LocalName);
        Assert.Equal("BucketOwner", get.XmlValue("Payer"));
        const string ns = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";
        Assert.Equal(200, (await _h.SendAsync("PUT", "/bucket?requestPayment", $"<RequestPaymentConfiguration {ns}><Payer>BucketOwner</Payer></RequestPaymentConfiguration>")).Status);
        var requester = await _h.SendAsync("PUT", "/bucket?requestPayment", $"<RequestPaymentConfiguration {ns}><Payer>Requester</Payer></RequestPaymentConfiguration>");
        Assert.Equal((501, "NotImplemented"), (requester.Status, requester.XmlValue("Code")));
        var bogus = await _h.SendAsync("PUT", "/bucket?requestPayment", $"<RequestPaymentConfiguration {ns}><Payer>Nobody</Payer></RequestPaymentConfiguration>");
        Assert.Equal((400, "MalformedXML"), (bogus.Status, bogus.XmlValue("Code")));
        Assert.Equal("NoSuchBucket", (await _h.SendAsync("GET", "/missing?requestPayment")).XmlValue("Code"));
    }

    [Fact]
    public async Task Torrent_is_refused_as_S3_refuses_it_not_as_not_implemented()
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "k", "data");

        var r = await _h.SendAsync("GET", "/bucket/k?torrent");

        Assert.Equal((400, "InvalidRequest"), (r.Status, r.XmlValue("Code")));
        Assert.Equal("NoSuchBucket", (await _h.SendAsync("GET", "/missing/k?torrent")).XmlValue("Code"));
    }

    [Theory]
    [InlineData("accelerate", "AccelerateConfiguration")]
    [InlineData("logging", "BucketLoggingStatus")]
    public async Task Acceleration_and_logging_never_set_read_as_empty_documents(string subresource, string root)
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "k", "data"); // a listing would name it

        var r = await _h.SendAsync("GET", "/bucket?" + subresource);

        Assert.Equal(200, r.Status);
        Assert.Equal(root, r.Xml.Name.LocalName);
        Assert.Equal("http://s3.amazonaws.com/doc/2006-03-01/", r.Xml.Name.NamespaceName);
        Assert.Empty(r.Xml.Elements());
        Assert.Equal("NoSuchBucket", (await _h.SendAsync("GET", "/missing?" + subresource)).XmlValue("Code"));
    }

    [Theory]
    [InlineData("website", "NoSuchWebsiteConfiguration")]
    [InlineData("replication", "ReplicationConfigurationNotFoundError")]
    public async Task Website_and_replication_are_not_found_deleting_them_succeeds_and_setting_them_is_NotImplemented(string subresource, string code)
    {
        await _h.CreateBucketAsync();

        var get = await _h.SendAsync("GET", "/bucket?" + subresource);
        Assert.Equal((404, code), (get.Status, get.XmlValue("Code")));
        Assert.Equal(204, (await _h.SendAsync("DELETE", "/bucket?" + subresource)).Status);
        var put = await _h.SendAsync("PUT", "/bucket?" + subresource, "<WebsiteConfiguration/>");
        Assert.Equal((501, "NotImplemented"), (put.Status, put.XmlValue("Code")));
        Assert.Equal("NoSuchBucket", (await _h.SendAsync("GET", "/missing?" + subresource)).XmlValue("Code"));
    }

    [Theory]
    [InlineData("GET", "metrics")]
    [InlineData("GET", "analytics")]
    [InlineData("GET", "inventory&id=weekly")]
    [InlineData("PUT", "intelligent-tiering&id=archive")]
    [InlineData("DELETE", "metrics&id=all")]
    [InlineData("DELETE", "logging")]
    public async Task Unimplemented_subresources_are_NotImplemented_and_neither_list_nor_delete_the_bucket(string method, string query)
    {
        await _h.CreateBucketAsync();

        var r = await _h.SendAsync(method, "/bucket?" + query, method == "PUT" ? "<IntelligentTieringConfiguration/>" : "");

        Assert.Equal((501, "NotImplemented"), (r.Status, r.XmlValue("Code")));
        Assert.Equal(200, (await _h.SendAsync("HEAD", "/bucket")).Status); // still there
    }
}
