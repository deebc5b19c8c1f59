using ObjectStore.S3.Tests.Fakes;

namespace ObjectStore.S3.Tests;

/// <summary>?policy, ?policyStatus, ?publicAccessBlock and anonymous access through a bucket policy (root and anonymous callers).</summary>
public sealed class BucketPolicyHandlerTests
{
    private readonly HandlerHarness _h = new();

    private const string PublicRead = """{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/public/*"}]}""";
    private const string NoPab = "<PublicAccessBlockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><BlockPublicAcls>false</BlockPublicAcls><IgnorePublicAcls>false</IgnorePublicAcls><BlockPublicPolicy>false</BlockPublicPolicy><RestrictPublicBuckets>false</RestrictPublicBuckets></PublicAccessBlockConfiguration>";

    [Fact]
    public async Task A_bucket_without_a_policy_answers_NoSuchBucketPolicy()
    {
        await _h.CreateBucketAsync();
        var get = await _h.SendAsync("GET", "/bucket?policy");
        Assert.Equal(404, get.Status);
        Assert.Equal("NoSuchBucketPolicy", get.XmlValue("Code"));
        Assert.Equal("bucket", get.XmlValue("BucketName"));
        Assert.Equal("NoSuchBucketPolicy", (await _h.SendAsync("GET", "/bucket?policyStatus")).XmlValue("Code"));
        Assert.Equal("NoSuchBucket", (await _h.SendAsync("PUT", "/nobucket?policy", PublicRead)).XmlValue("Code"));
    }

    [Theory]
    [InlineData("{", "This policy contains invalid Json")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::elsewhere/*"}]}""", "Policy has invalid resource")]
    [InlineData("""{"Statement":[{"Effect":"Permit","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]}""", "Invalid effect: Permit")]
    public async Task Invalid_documents_are_MalformedPolicy(string policy, string message)
    {
        await _h.CreateBucketAsync();
        var r = await _h.SendAsync("PUT", "/bucket?policy", policy);
        Assert.Equal(400, r.Status);
        Assert.Equal("MalformedPolicy", r.XmlValue("Code"));
        Assert.Equal(message, r.XmlValue("Message"));
    }

    [Fact]
    public async Task New_buckets_block_public_policies_until_their_public_access_block_is_lifted()
    {
        await _h.CreateBucketAsync();
        var block = await _h.SendAsync("GET", "/bucket?publicAccessBlock");
        Assert.Equal(200, block.Status);
        Assert.Equal("true", block.XmlValue("BlockPublicPolicy"));
        Assert.Equal("true", block.XmlValue("RestrictPublicBuckets"));

        var refused = await _h.SendAsync("PUT", "/bucket?policy", PublicRead);
        Assert.Equal(403, refused.Status);
        Assert.Equal("AccessDenied", refused.XmlValue("Code"));

        Assert.Equal(204, (await _h.SendAsync("DELETE", "/bucket?publicAccessBlock")).Status);
        Assert.Equal("NoSuchPublicAccessBlockConfiguration", (await _h.SendAsync("GET", "/bucket?publicAccessBlock")).XmlValue("Code"));
        Assert.Equal(204, (await _h.SendAsync("PUT", "/bucket?policy", PublicRead)).Status);
        var stored = await _h.SendAsync("GET", "/bucket?policy");
        Assert.Equal(PublicRead, stored.Text);
        Assert.Equal("application/json", stored.Header("Content-Type"));
        Assert.Equal("true", (await _h.SendAsync("GET", "/bucket?policyStatus")).XmlValue("IsPublic"));
    }

    [Fact]
    public async Task Anonymous_reads_follow_the_policy_and_stop_under_RestrictPublicBuckets()
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "public/a.txt", "hello");
        await _h.PutAsync("bucket", "private/b.txt", "secret");
        Assert.Equal(403, (await _h.SendAsync("GET", "/bucket/public/a.txt", anonymous: true)).Status);

        Assert.Equal(200, (await _h.SendAsync("PUT", "/bucket?publicAccessBlock", NoPab)).Status);
        Assert.Equal(204, (await _h.SendAsync("PUT", "/bucket?policy", PublicRead)).Status);
        var read = await _h.SendAsync("GET", "/bucket/public/a.txt", anonymous: true);
        Assert.Equal(200, read.Status);
        Assert.Equal("hello", read.Text);
        Assert.Equal(403, (await _h.SendAsync("GET", "/bucket/private/b.txt", anonymous: true)).Status);
        Assert.Equal(403, (await _h.SendAsync("PUT", "/bucket/public/c.txt", "x"u8.ToArray(), anonymous: true)).Status);
        Assert.Equal(403, (await _h.SendAsync("GET", "/bucket", anonymous: true)).Status);
        Assert.Equal(403, (await _h.SendAsync("GET", "/", anonymous: true)).Status);

        Assert.Equal(200, (await _h.SendAsync("PUT", "/bucket?publicAccessBlock", NoPab.Replace("<RestrictPublicBuckets>false", "<RestrictPublicBuckets>true", StringComparison.Ordinal))).Status);
        var restricted = await _h.SendAsync("GET", "/bucket/public/a.txt", anonymous: true);
        Assert.Equal(403, restricted.Status);
        Assert.Equal("AccessDenied", restricted.XmlValue("Code"));
        Assert.Equal(200, (await _h.SendAsync("GET", "/bucket/public/a.txt")).Status); // the root key is not affected
    }

    [Fact]
    public async Task A_policy_restricted_to_a_source_ip_range_is_not_public()
    {
        await _h.CreateBucketAsync();
        const string policy = """{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}]}""";
        Assert.Equal(204, (await _h.SendAsync("PUT", "/bucket?policy", policy)).Status);
        Assert.Equal("false", (await _h.SendAsync("GET", "/bucket?policyStatus")).XmlValue("IsPublic"));
        Assert.Equal(204, (await _h.SendAsync("DELETE", "/bucket?policy")).Status);
        Assert.Equal(404, (await _h.SendAsync("GET", "/bucket?policy")).Status);
    }

    [Fact]
    public async Task A_malformed_public_access_block_is_MalformedXML()
    {
        await _h.CreateBucketAsync();
        var r = await _h.SendAsync("PUT", "/bucket?publicAccessBlock", "<PublicAccessBlockConfiguration><BlockPublicPolicy>maybe</BlockPublicPolicy></PublicAccessBlockConfiguration>");
        Assert.Equal(400, r.Status);
        Assert.Equal("MalformedXML", r.XmlValue("Code"));
    }

    [Fact]
    public async Task A_refusal_before_the_body_is_read_closes_the_connection_so_an_unsent_body_is_never_drained()
    {
        await _h.CreateBucketAsync();
        var refused = await _h.SendAsync("PUT", "/bucket/key", "x"u8.ToArray(), anonymous: true);
        Assert.Equal(403, refused.Status);
        Assert.Equal("close", refused.Header("Connection"));
        var noBody = await _h.SendAsync("GET", "/bucket/key", anonymous: true);
        Assert.Equal(403, noBody.Status);
        Assert.Null(noBody.Header("Connection"));
    }
}
