using ObjectStore.S3.Tests.Fakes;

namespace ObjectStore.S3.Tests;

/// <summary>The protocol side of Object Lock: headers, documents and error shapes (the rules are tested on both indexes).</summary>
public sealed class ObjectLockHandlerTests
{
    private const string Md5OfX = "ndTkYSaMgDT1yFZOFVxnpg=="; // Content-MD5 of "x"
    private readonly HandlerHarness _h = new();

    private async Task LockedBucketAsync()
    {
        var r = await _h.SendAsync("PUT", "/bucket", (byte[]?)null, headers: new Dictionary<string, string> { ["x-amz-bucket-object-lock-enabled"] = "true" });
        Assert.Equal(200, r.Status);
    }

    [Fact]
    public async Task A_put_with_lock_headers_needs_a_digest_and_both_mode_and_date()
    {
        await LockedBucketAsync();
        var until = DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

        var noDigest = await _h.PutAsync("bucket", "k", "x", new Dictionary<string, string> { ["x-amz-object-lock-mode"] = "GOVERNANCE", ["x-amz-object-lock-retain-until-date"] = until });
        var modeOnly = await _h.PutAsync("bucket", "k", "x", new Dictionary<string, string> { ["x-amz-object-lock-mode"] = "GOVERNANCE", ["Content-MD5"] = Md5OfX });
        var badMode = await _h.PutAsync("bucket", "k", "x", new Dictionary<string, string>
        {
            ["x-amz-object-lock-mode"] = "FOREVER", ["x-amz-object-lock-retain-until-date"] = until, ["Content-MD5"] = Md5OfX,
        });
        var ok = await _h.PutAsync("bucket", "k", "x", new Dictionary<string, string>
        {
            ["x-amz-object-lock-mode"] = "GOVERNANCE", ["x-amz-object-lock-retain-until-date"] = until, ["x-amz-object-lock-legal-hold"] = "ON", ["Content-MD5"] = Md5OfX,
        });

        Assert.Equal((400, "InvalidRequest"), (noDigest.Status, noDigest.XmlValue("Code")));
        Assert.Contains("Content-MD5 OR x-amz-checksum-", noDigest.XmlValue("Message"), StringComparison.Ordinal);
        Assert.Equal((400, "InvalidArgument"), (modeOnly.Status, modeOnly.XmlValue("Code")));
        Assert.Equal((400, "InvalidArgument"), (badMode.Status, badMode.XmlValue("Code")));
        Assert.Equal(200, ok.Status);
        var head = await _h.SendAsync("HEAD", "/bucket/k");
        Assert.Equal(("GOVERNANCE", until[..19] + ".000Z", "ON"),
            (head.Header("x-amz-object-lock-mode"), head.Header("x-amz-object-lock-retain-until-date"), head.Header("x-amz-object-lock-legal-hold")));
    }

    [Fact]
    public async Task Retention_and_legal_hold_documents_round_trip_and_malformed_ones_are_MalformedXML()
    {
        await LockedBucketAsync();
        var put = await _h.PutAsync("bucket", "k", "x");
        var version = put.Header("x-amz-version-id");
        Assert.Equal("NoSuchObjectLockConfiguration", (await _h.SendAsync("GET", $"/bucket/k?retention&versionId={version}")).XmlValue("Code"));

        var set = await _h.SendAsync("PUT", $"/bucket/k?retention&versionId={version}",
            "<Retention><Mode>COMPLIANCE</Mode><RetainUntilDate>2099-01-02T03:04:05Z</RetainUntilDate></Retention>");
        Assert.Equal(200, set.Status);
        var read = await _h.SendAsync("GET", $"/bucket/k?retention&versionId={version}");
        Assert.Equal(("COMPLIANCE", "2099-01-02T03:04:05.000Z"), (read.XmlValue("Mode"), read.XmlValue("RetainUntilDate")));

        Assert.Equal("MalformedXML", (await _h.SendAsync("PUT", "/bucket/k?retention", "<Retention><Mode>COMPLIANCE</Mode></Retention>")).XmlValue("Code"));
        Assert.Equal("MalformedXML", (await _h.SendAsync("PUT", "/bucket/k?legal-hold", "<LegalHold><Status>on</Status></LegalHold>")).XmlValue("Code"));
        Assert.Equal(200, (await _h.SendAsync("PUT", "/bucket/k?legal-hold", "<LegalHold><Status>ON</Status></LegalHold>")).Status);
        Assert.Equal("ON", (await _h.SendAsync("GET", "/bucket/k?legal-hold")).XmlValue("Status"));
        var delete = await _h.SendAsync("DELETE", $"/bucket/k?versionId={version}");
        Assert.Equal((403, "AccessDenied"), (delete.Status, delete.XmlValue("Code")));
    }

    [Fact]
    public async Task A_version_that_never_had_a_legal_hold_answers_NoSuchObjectLockConfiguration_and_a_lifted_one_OFF()
    {
        await LockedBucketAsync();
        var version = (await _h.PutAsync("bucket", "k", "x")).Header("x-amz-version-id");

        var never = await _h.SendAsync("GET", $"/bucket/k?legal-hold&versionId={version}");
        Assert.Equal((404, "NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration"),
            (never.Status, never.XmlValue("Code"), never.XmlValue("Message")));
        Assert.Null((await _h.SendAsync("HEAD", "/bucket/k")).Header("x-amz-object-lock-legal-hold"));

        Assert.Equal(200, (await _h.SendAsync("PUT", $"/bucket/k?legal-hold&versionId={version}", "<LegalHold><Status>ON</Status></LegalHold>")).Status);
        Assert.Equal(200, (await _h.SendAsync("PUT", $"/bucket/k?legal-hold&versionId={version}", "<LegalHold><Status>OFF</Status></LegalHold>")).Status);
        var lifted = await _h.SendAsync("GET", $"/bucket/k?legal-hold&versionId={version}");
        Assert.Equal((200, "OFF"), (lifted.Status, lifted.XmlValue("Status")));
        Assert.Equal("OFF", (await _h.SendAsync("HEAD", "/bucket/k")).Header("x-amz-object-lock-legal-hold"));

        // Written with the header OFF: a hold was set, so OFF rather than none.
        Assert.Equal(200, (await _h.PutAsync("bucket", "off", "x", new Dictionary<string, string> { ["x-amz-object-lock-legal-hold"] = "OFF", ["Content-MD5"] = Md5OfX })).Status);
        Assert.Equal("OFF", (await _h.SendAsync("GET", "/bucket/off?legal-hold")).XmlValue("Status"));
        Assert.Equal(204, (await _h.SendAsync("DELETE", $"/bucket/k?versionId={version}")).Status);
    }
}
