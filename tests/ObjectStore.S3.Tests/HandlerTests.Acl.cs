using ObjectStore.S3.Tests.Fakes;

namespace ObjectStore.S3.Tests;

/// <summary>?acl and ?ownershipControls refusals the SDKs cannot send: malformed bodies, header and body together, a missing ACL.</summary>
public sealed class AclHandlerTests
{
    private readonly HandlerHarness _h = new();

    private const string NoPab = "<PublicAccessBlockConfiguration><BlockPublicAcls>false</BlockPublicAcls><IgnorePublicAcls>false</IgnorePublicAcls><BlockPublicPolicy>false</BlockPublicPolicy><RestrictPublicBuckets>false</RestrictPublicBuckets></PublicAccessBlockConfiguration>";

    private const string PublicReadPolicy = """
        <AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><AccessControlList><Grant>
        <Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee>
        <Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>
        """;

    [Theory]
    [InlineData("<AccessControlPolicy><AccessControlList>")]
    [InlineData("<Tagging/>")]
    [InlineData("<AccessControlPolicy><AccessControlList><Grant><Grantee><ID>x</ID></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>")]
    [InlineData("""<AccessControlPolicy><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>x</URI></Grantee><Permission>ALL</Permission></Grant></AccessControlList></AccessControlPolicy>""")]
    public async Task A_malformed_access_control_policy_is_MalformedACLError(string body)
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "k", "x");
        var r = await _h.SendAsync("PUT", "/bucket/k?acl", body);
        Assert.Equal((400, "MalformedACLError"), (r.Status, r.XmlValue("Code")));
    }

    [Fact]
    public async Task A_canned_header_with_a_body_is_UnexpectedContent_and_neither_is_MalformedACLError()
    {
        await _h.CreateBucketAsync();
        var both = await _h.SendAsync("PUT", "/bucket?acl", PublicReadPolicy, new Dictionary<string, string> { ["x-amz-acl"] = "private" });
        Assert.Equal((400, "UnexpectedContent"), (both.Status, both.XmlValue("Code")));
        var neither = await _h.SendAsync("PUT", "/bucket?acl", "");
        Assert.Equal((400, "MalformedACLError"), (neither.Status, neither.XmlValue("Code")));
    }

    [Fact]
    public async Task A_group_grant_body_is_stored_and_lets_anonymous_callers_list()
    {
        await _h.CreateBucketAsync();
        Assert.Equal(200, (await _h.SendAsync("PUT", "/bucket?publicAccessBlock", NoPab)).Status);
        Assert.Equal(403, (await _h.SendAsync("GET", "/bucket", anonymous: true)).Status);
        Assert.Equal(200, (await _h.SendAsync("PUT", "/bucket?acl", PublicReadPolicy)).Status);

        var acl = await _h.SendAsync("GET", "/bucket?acl");
        Assert.Equal("http://acs.amazonaws.com/groups/global/AllUsers", acl.XmlValue("URI"));
        Assert.Equal(200, (await _h.SendAsync("GET", "/bucket", anonymous: true)).Status);
        Assert.Equal(403, (await _h.SendAsync("PUT", "/bucket/k", "x"u8.ToArray(), anonymous: true)).Status);
    }

    [Fact]
    public async Task Ownership_controls_of_a_bucket_without_them_are_OwnershipControlsNotFoundError()
    {
        await _h.CreateBucketAsync();
        Assert.Equal(204, (await _h.SendAsync("DELETE", "/bucket?ownershipControls")).Status);
        var r = await _h.SendAsync("GET", "/bucket?ownershipControls");
        Assert.Equal((404, "OwnershipControlsNotFoundError"), (r.Status, r.XmlValue("Code")));
        var bad = await _h.SendAsync("PUT", "/bucket?ownershipControls", "<OwnershipControls><Rule><ObjectOwnership>Anyone</ObjectOwnership></Rule></OwnershipControls>");
        Assert.Equal((400, "MalformedXML"), (bad.Status, bad.XmlValue("Code")));
    }
}
