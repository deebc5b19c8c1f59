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
    [InlineData("analytics", "ListBucketAnalyticsConfigurationResult")]
    [InlineData("metrics", "ListMetricsConfigurationsResult")]
    [InlineData("inventory", "ListInventoryConfigurationsResult")]
    [InlineData("intelligent-tiering", "ListBucketIntelligentTieringConfigurationsOutput")]
    public async Task Configurations_kept_by_id_list_empty_and_an_id_is_NoSuchConfiguration_to_get_and_delete(string subresource, string root)
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "k", "data"); // a listing would name it

        var list = await _h.SendAsync("GET", "/bucket?" + subresource);
        Assert.Equal(200, list.Status);
        Assert.Equal((root, "http://s3.amazonaws.com/doc/2006-03-01/"), (list.Xml.Name.LocalName, list.Xml.Name.NamespaceName));
        Assert.Equal(["IsTruncated"], list.Xml.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("false", list.XmlValue("IsTruncated"));
        var continued = await _h.SendAsync("GET", $"/bucket?{subresource}&continuation-token=t1");
        Assert.Equal(("false", "t1"), (continued.XmlValue("IsTruncated"), continued.XmlValue("ContinuationToken")));

        foreach (var method in new[] { "GET", "DELETE" })
        {
            var missing = await _h.SendAsync(method, $"/bucket?{subresource}&id=weekly");
            Assert.Equal((404, "NoSuchConfiguration", "The specified configuration does not exist."), (missing.Status, missing.XmlValue("Code"), missing.XmlValue("Message")));
        }
        var put = await _h.SendAsync("PUT", $"/bucket?{subresource}&id=weekly", "<Configuration/>");
        Assert.Equal((501, "NotImplemented"), (put.Status, put.XmlValue("Code")));
        Assert.Equal("NoSuchBucket", (await _h.SendAsync("GET", "/missing?" + subresource)).XmlValue("Code"));
        Assert.Equal("NoSuchBucket", (await _h.SendAsync("GET", $"/missing?{subresource}&id=weekly")).XmlValue("Code"));
        Assert.Equal(200, (await _h.SendAsync("HEAD", "/bucket")).Status); // the DELETE did not delete the bucket
    }

    [Fact]
    public async Task Configurations_kept_by_id_need_their_Get_action_as_other_bucket_subresources()
    {
        await _h.CreateBucketAsync();
        Assert.Equal(204, (await _h.SendAsync("DELETE", "/bucket?publicAccessBlock")).Status);
        Assert.Equal(403, (await _h.SendAsync("GET", "/bucket?inventory", anonymous: true)).Status);

        const string policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetInventoryConfiguration","Resource":"arn:aws:s3:::bucket"}]}""";
        Assert.Equal(204, (await _h.SendAsync("PUT", "/bucket?policy", policy)).Status);

        Assert.Equal(200, (await _h.SendAsync("GET", "/bucket?inventory", anonymous: true)).Status);
        Assert.Equal(404, (await _h.SendAsync("GET", "/bucket?inventory&id=weekly", anonymous: true)).Status);
        Assert.Equal(403, (await _h.SendAsync("DELETE", "/bucket?inventory&id=weekly", anonymous: true)).Status); // s3:PutInventoryConfiguration
        Assert.Equal(403, (await _h.SendAsync("GET", "/bucket?analytics", anonymous: true)).Status);
    }

    [Theory]
    [InlineData("PUT", "intelligent-tiering")]
    [InlineData("DELETE", "metrics")]
    [InlineData("DELETE", "logging")]
    public async Task Unimplemented_subresources_are_NotImplemented_and_neither_list_nor_delete_the_bucket(string method, string query)
    {
        await _h.CreateBucketAsync();

        var r = await _h.SendAsync(method, "/bucket?" + query, method == "PUT" ? "<IntelligentTieringConfiguration/>" : "");

        Assert.Equal((501, "NotImplemented"), (r.Status, r.XmlValue("Code")));
        Assert.Equal(200, (await _h.SendAsync("HEAD", "/bucket")).Status); // still there
    }
}
