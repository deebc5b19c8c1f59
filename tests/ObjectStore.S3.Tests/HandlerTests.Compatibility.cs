using ObjectStore.S3.Tests.Fakes;

namespace ObjectStore.S3.Tests;

/// <summary>Operations tools call before they write, answered as S3 answers them: request payment and torrents.</summary>
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
}
