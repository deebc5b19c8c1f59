using System.Security.Cryptography;
using System.Text;
using ObjectStore.S3.Tests.Fakes;

namespace ObjectStore.S3.Tests;

/// <summary>SSE-S3 / SSE-C headers, their S3 errors and bucket default encryption documents, through the handler.</summary>
public sealed class HandlerEncryptionTests
{
    private readonly HandlerHarness _h = new();
    private static readonly byte[] CustomerKey = RandomNumberGenerator.GetBytes(32);

    private static Dictionary<string, string> Ssec(byte[] key, string? md5 = null, string algorithm = "AES256", string prefix = "x-amz-server-side-encryption-customer-") => new()
    {
        [prefix + "algorithm"] = algorithm,
        [prefix + "key"] = Convert.ToBase64String(key),
        [prefix + "key-MD5"] = md5 ?? Convert.ToBase64String(MD5.HashData(key)),
    };

    [Fact]
    public async Task Stored_bytes_of_an_SSE_S3_object_are_ciphertext_and_a_damaged_block_answers_InternalError_never_wrong_bytes()
    {
        await _h.CreateBucketAsync();
        var text = string.Concat(Enumerable.Repeat("plaintext-pattern;", 5000));
        var put = await _h.PutAsync("bucket", "k", text, new Dictionary<string, string> { ["x-amz-server-side-encryption"] = "AES256" });
        Assert.Equal(200, put.Status);
        Assert.Equal("AES256", put.Header("x-amz-server-side-encryption"));

        var stored = Assert.Single(_h.Data.Data.Values);
        Assert.Equal(text.Length + 2 * 16, stored.Length);
        Assert.DoesNotContain("plaintext-pattern", Encoding.Latin1.GetString(stored), StringComparison.Ordinal);
        Assert.Equal(text, (await _h.SendAsync("GET", "/bucket/k")).Text);

        stored[100] ^= 0x40;
        var damaged = await _h.SendAsync("GET", "/bucket/k");
        Assert.Equal(500, damaged.Status);
        Assert.Equal("InternalError", damaged.XmlValue("Code"));
    }

    [Fact]
    public async Task SSE_C_put_get_head_echo_the_key_md5_and_every_wrong_key_gets_S3s_error()
    {
        await _h.CreateBucketAsync();
        var md5 = Convert.ToBase64String(MD5.HashData(CustomerKey));
        var put = await _h.PutAsync("bucket", "c", "customer data", Ssec(CustomerKey));
        Assert.Equal(200, put.Status);
        Assert.Equal("AES256", put.Header("x-amz-server-side-encryption-customer-algorithm"));
        Assert.Equal(md5, put.Header("x-amz-server-side-encryption-customer-key-MD5"));
        Assert.Null(put.Header("x-amz-server-side-encryption"));

        var get = await _h.SendAsync("GET", "/bucket/c", headers: Ssec(CustomerKey));
        Assert.Equal("customer data", get.Text);
        Assert.Equal(md5, get.Header("x-amz-server-side-encryption-customer-key-MD5"));
        var range = await _h.SendAsync("GET", "/bucket/c", headers: new Dictionary<string, string>(Ssec(CustomerKey)) { ["Range"] = "bytes=9-12" });
        Assert.Equal("data", range.Text);
        Assert.Equal(200, (await _h.SendAsync("HEAD", "/bucket/c", headers: Ssec(CustomerKey))).Status);

        async Task ExpectAsync(string method, Dictionary<string, string>? headers, int status, string? code)
        {
            var r = await _h.SendAsync(method, "/bucket/c", headers: headers);
            Assert.Equal(status, r.Status);
            if (code is not null)
                Assert.Equal(code, r.XmlValue("Code"));
        }
        await ExpectAsync("GET", null, 400, "InvalidRequest");
        await ExpectAsync("HEAD", null, 400, null);
        await ExpectAsync("GET", Ssec(RandomNumberGenerator.GetBytes(32)), 403, "AccessDenied");
        await ExpectAsync("HEAD", Ssec(RandomNumberGenerator.GetBytes(32)), 403, null);
        await ExpectAsync("GET", Ssec(CustomerKey, md5: Convert.ToBase64String(MD5.HashData(new byte[32]))), 400, "InvalidArgument");
        await ExpectAsync("GET", Ssec(RandomNumberGenerator.GetBytes(16)), 400, "InvalidArgument");
        await ExpectAsync("GET", Ssec(CustomerKey, algorithm: "AES128"), 400, "InvalidEncryptionAlgorithmError");
        var noKey = Ssec(CustomerKey);
        noKey.Remove("x-amz-server-side-encryption-customer-key");
        await ExpectAsync("GET", noKey, 400, "InvalidArgument");

        // A customer key for an object not under SSE-C.
        await _h.PutAsync("bucket", "plain", "p");
        var wrongKind = await _h.SendAsync("GET", "/bucket/plain", headers: Ssec(CustomerKey));
        Assert.Equal(400, wrongKind.Status);
        Assert.Equal("InvalidRequest", wrongKind.XmlValue("Code"));
        // SSE-S3 and SSE-C together.
        var both = await _h.PutAsync("bucket", "both", "x", new Dictionary<string, string>(Ssec(CustomerKey)) { ["x-amz-server-side-encryption"] = "AES256" });
        Assert.Equal(400, both.Status);
        Assert.Equal("InvalidArgument", both.XmlValue("Code"));
    }

    [Fact]
    public async Task SSE_C_copy_needs_the_source_key_and_multipart_parts_need_the_uploads_key()
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "c", "secret bytes", Ssec(CustomerKey));

        var withoutSourceKey = await _h.SendAsync("PUT", "/bucket/copy", headers: new Dictionary<string, string> { ["x-amz-copy-source"] = "/bucket/c" });
        Assert.Equal(400, withoutSourceKey.Status);
        var other = RandomNumberGenerator.GetBytes(32);
        var copy = await _h.SendAsync("PUT", "/bucket/copy", headers: new Dictionary<string, string>(Ssec(CustomerKey, prefix: "x-amz-copy-source-server-side-encryption-customer-"))
        {
            ["x-amz-copy-source"] = "/bucket/c",
            ["x-amz-server-side-encryption-customer-algorithm"] = "AES256",
            ["x-amz-server-side-encryption-customer-key"] = Convert.ToBase64String(other),
            ["x-amz-server-side-encryption-customer-key-MD5"] = Convert.ToBase64String(MD5.HashData(other)),
        });
        Assert.Equal(200, copy.Status);
        Assert.Equal("secret bytes", (await _h.SendAsync("GET", "/bucket/copy", headers: Ssec(other))).Text);
        Assert.Equal(403, (await _h.SendAsync("GET", "/bucket/copy", headers: Ssec(CustomerKey))).Status);

        var created = await _h.SendAsync("POST", "/bucket/mp?uploads", headers: Ssec(CustomerKey));
        Assert.Equal(200, created.Status);
        Assert.Equal("AES256", created.Header("x-amz-server-side-encryption-customer-algorithm"));
        var uploadId = created.XmlValue("UploadId");
        var noKey = await _h.SendAsync("PUT", $"/bucket/mp?partNumber=1&uploadId={uploadId}", "part");
        Assert.Equal(400, noKey.Status);
        Assert.Equal("InvalidRequest", noKey.XmlValue("Code"));
        var wrongKey = await _h.SendAsync("PUT", $"/bucket/mp?partNumber=1&uploadId={uploadId}", "part", Ssec(other));
        Assert.Equal(400, wrongKey.Status);
        Assert.Equal("InvalidRequest", wrongKey.XmlValue("Code"));
        var part = await _h.SendAsync("PUT", $"/bucket/mp?partNumber=1&uploadId={uploadId}", "part", Ssec(CustomerKey));
        Assert.Equal(200, part.Status);
        Assert.Equal("AES256", part.Header("x-amz-server-side-encryption-customer-algorithm"));
    }

    [Theory]
    [InlineData("<ServerSideEncryptionConfiguration/>", 400, "MalformedXML")]
    [InlineData("<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>DES</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>", 400, "MalformedXML")]
    [InlineData("<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>maybe</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>", 400, "MalformedXML")]
    [InlineData("<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm><KMSMasterKeyID>k</KMSMasterKeyID></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>", 400, "InvalidArgument")]
    [InlineData("<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>", 501, "NotImplemented")]
    [InlineData("not xml", 400, "MalformedXML")]
    public async Task PutBucketEncryption_validates_as_S3_does(string body, int status, string code)
    {
        await _h.CreateBucketAsync();
        var r = await _h.SendAsync("PUT", "/bucket?encryption", body);
        Assert.Equal(status, r.Status);
        Assert.Equal(code, r.XmlValue("Code"));
        Assert.Equal(404, (await _h.SendAsync("GET", "/bucket?encryption")).Status);
    }

    [Fact]
    public async Task Server_default_encryption_applies_to_buckets_without_their_own()
    {
        var h = new HandlerHarness(o => o.DefaultEncryption = true);
        await h.CreateBucketAsync();
        var put = await h.PutAsync("bucket", "k", "v");
        Assert.Equal("AES256", put.Header("x-amz-server-side-encryption"));
        Assert.Equal("v", (await h.SendAsync("GET", "/bucket/k")).Text);
        Assert.NotEqual("v"u8.ToArray(), Assert.Single(h.Data.Data.Values));
    }
}
