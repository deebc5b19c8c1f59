using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;
using static ObjectStore.IntegrationTests.Access.AccessTestKit;

namespace ObjectStore.IntegrationTests.Encryption;

/// <summary>SSE-S3 and bucket default encryption through AWSSDK.S3: PUT, GET, HEAD, ranges, multipart, copy, policies.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class SseS3Tests(LocalHostFixture host)
{
    private const int Block = 64 * 1024;

    private static byte[] Payload(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private async Task<(AmazonS3Client S3, string Bucket)> NewBucketAsync(string prefix)
    {
        var s3 = host.Shared.CreateS3Client(configure: c => c.MaxErrorRetry = 0);
        var bucket = ClientTestData.BucketName(prefix);
        await s3.PutBucketAsync(bucket);
        return (s3, bucket);
    }

    private static async Task<byte[]> ReadAsync(GetObjectResponse response)
    {
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    [Fact]
    public async Task Put_get_head_and_ranges_of_an_SSE_S3_object_answer_the_plaintext_and_the_encryption_header()
    {
        var (s3, bucket) = await NewBucketAsync("sses3");
        using var _ = s3;
        var data = Payload(5 * Block + 321, 1);

        var put = await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "model.bin", InputStream = new MemoryStream(data), ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        });
        Assert.Equal(ServerSideEncryptionMethod.AES256, put.ServerSideEncryptionMethod);
        Assert.Equal($"\"{Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(data))}\"", put.ETag); // the ETag stays the plaintext's MD5

        var head = await s3.GetObjectMetadataAsync(bucket, "model.bin");
        Assert.Equal(ServerSideEncryptionMethod.AES256, head.ServerSideEncryptionMethod);
        Assert.Equal(data.Length, head.ContentLength);

        using (var get = await s3.GetObjectAsync(bucket, "model.bin"))
        {
            Assert.Equal(ServerSideEncryptionMethod.AES256, get.ServerSideEncryptionMethod);
            Assert.Equal(data, await ReadAsync(get));
        }
        foreach (var (first, last) in new[] { (0L, 0L), (Block - 3L, Block + 2L), (2L * Block, 3L * Block - 1), (5L * Block + 300, data.Length - 1L), (17L, data.Length - 1L) })
        {
            using var range = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "model.bin", ByteRange = new ByteRange(first, last) });
            Assert.Equal(HttpStatusCode.PartialContent, range.HttpStatusCode);
            Assert.Equal(data[(int)first..(int)(last + 1)], await ReadAsync(range));
        }

        // An empty object is encrypted too and reads back empty.
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "empty", ContentBody = "", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256 });
        using (var empty = await s3.GetObjectAsync(bucket, "empty"))
        {
            Assert.Equal(ServerSideEncryptionMethod.AES256, empty.ServerSideEncryptionMethod);
            Assert.Empty(await ReadAsync(empty));
        }
    }

    [Fact]
    public async Task Kms_and_unknown_algorithms_are_refused_with_S3_errors()
    {
        var (s3, bucket) = await NewBucketAsync("ssekms");
        using var _ = s3;

        var kms = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "k", ContentBody = "x", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
        }));
        Assert.Equal(HttpStatusCode.NotImplemented, kms.StatusCode);
        Assert.Equal("NotImplemented", kms.ErrorCode);

        var unknown = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "k", ContentBody = "x", ServerSideEncryptionMethod = new ServerSideEncryptionMethod("AES128"),
        }));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("InvalidArgument", unknown.ErrorCode);
    }

    [Fact]
    public async Task A_multipart_SSE_S3_object_reads_back_whole_by_ranges_across_parts_and_by_part_number()
    {
        var (s3, bucket) = await NewBucketAsync("ssemp");
        using var _ = s3;
        var partSize = 5 * 1024 * 1024;
        var data = Payload(2 * partSize + 70_001, 2);

        var initiated = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = "ckpt.bin", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        });
        Assert.Equal(ServerSideEncryptionMethod.AES256, initiated.ServerSideEncryptionMethod);
        var etags = new List<PartETag>();
        for (var i = 0; i * partSize < data.Length; i++)
        {
            var length = Math.Min(partSize, data.Length - i * partSize);
            // Part 2 is sent twice: the second upload must not reuse the first one's key and nonces (and must win).
            if (i == 1)
                await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "ckpt.bin", UploadId = initiated.UploadId, PartNumber = 2, InputStream = new MemoryStream(Payload(length, 99)) });
            var part = await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = "ckpt.bin", UploadId = initiated.UploadId, PartNumber = i + 1, InputStream = new MemoryStream(data, i * partSize, length),
            });
            Assert.Equal(ServerSideEncryptionMethod.AES256, part.ServerSideEncryptionMethod);
            etags.Add(new PartETag(i + 1, part.ETag));
        }
        var completed = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "ckpt.bin", UploadId = initiated.UploadId, PartETags = etags,
        });
        Assert.Equal(ServerSideEncryptionMethod.AES256, completed.ServerSideEncryptionMethod);

        using (var whole = await s3.GetObjectAsync(bucket, "ckpt.bin"))
        {
            Assert.Equal(ServerSideEncryptionMethod.AES256, whole.ServerSideEncryptionMethod);
            Assert.Equal(data, await ReadAsync(whole));
        }
        foreach (var (first, last) in new[] { (partSize - 10L, partSize + 10L), (partSize - 1L, 2L * partSize + 5), (2L * partSize + 70_000, 2L * partSize + 70_000) })
        {
            using var range = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "ckpt.bin", ByteRange = new ByteRange(first, last) });
            Assert.Equal(data[(int)first..(int)(last + 1)], await ReadAsync(range));
        }
        using var second = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "ckpt.bin", PartNumber = 2 });
        Assert.Equal(3, second.PartsCount);
        Assert.Equal(data[partSize..(2 * partSize)], await ReadAsync(second));
    }

    [Fact]
    public async Task Bucket_default_encryption_is_stored_validated_and_applied_to_objects_sent_without_a_header()
    {
        var (s3, bucket) = await NewBucketAsync("ssedef");
        using var _ = s3;

        await AssertNoBucketEncryptionAsync(s3, bucket);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "before", ContentBody = "plain" });

        await s3.PutBucketEncryptionAsync(new PutBucketEncryptionRequest
        {
            BucketName = bucket,
            ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
            {
                ServerSideEncryptionRules =
                [
                    new ServerSideEncryptionRule
                    {
                        ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault { ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AES256 },
                        BucketKeyEnabled = true,
                    },
                ],
            },
        });
        var stored = await s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucket });
        var rule = Assert.Single(stored.ServerSideEncryptionConfiguration.ServerSideEncryptionRules);
        Assert.Equal(ServerSideEncryptionMethod.AES256, rule.ServerSideEncryptionByDefault.ServerSideEncryptionAlgorithm);
        Assert.True(rule.BucketKeyEnabled);

        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "after", ContentBody = "encrypted by default" });
        Assert.Equal(ServerSideEncryptionMethod.AES256, put.ServerSideEncryptionMethod);
        using (var get = await s3.GetObjectAsync(bucket, "after"))
        {
            Assert.Equal(ServerSideEncryptionMethod.AES256, get.ServerSideEncryptionMethod);
            Assert.Equal("encrypted by default", Encoding.UTF8.GetString(await ReadAsync(get)));
        }
        var before = await s3.GetObjectMetadataAsync(bucket, "before");
        Assert.True(before.ServerSideEncryptionMethod is null || before.ServerSideEncryptionMethod.Value is null or "");
        var mp = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "mp" });
        Assert.Equal(ServerSideEncryptionMethod.AES256, mp.ServerSideEncryptionMethod);
        await s3.AbortMultipartUploadAsync(bucket, "mp", mp.UploadId);

        await s3.DeleteBucketEncryptionAsync(new DeleteBucketEncryptionRequest { BucketName = bucket });
        await AssertNoBucketEncryptionAsync(s3, bucket);
        var plain = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "later", ContentBody = "plain again" });
        Assert.True(plain.ServerSideEncryptionMethod is null || plain.ServerSideEncryptionMethod.Value is null or "");
    }

    /// <summary>
    /// The server answers 404 ServerSideEncryptionConfigurationNotFoundError (the handler tests check the
    /// wire); AWSSDK.S3 turns that error into an empty configuration rather than an exception.
    /// </summary>
    private static async Task AssertNoBucketEncryptionAsync(AmazonS3Client s3, string bucket)
    {
        try
        {
            var response = await s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucket });
            Assert.True(response.ServerSideEncryptionConfiguration?.ServerSideEncryptionRules is null or { Count: 0 });
        }
        catch (AmazonS3Exception error)
        {
            Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
            Assert.Equal("ServerSideEncryptionConfigurationNotFoundError", error.ErrorCode);
        }
    }

    [Fact]
    public async Task Copy_re_encrypts_under_the_destination_choice_including_onto_itself()
    {
        var (s3, bucket) = await NewBucketAsync("ssecopy");
        using var _ = s3;
        var data = Payload(3 * Block + 5, 3);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "plain", InputStream = new MemoryStream(data) });

        var toEncrypted = await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "plain", DestinationBucket = bucket, DestinationKey = "enc", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        });
        Assert.Equal(ServerSideEncryptionMethod.AES256, toEncrypted.ServerSideEncryptionMethod);
        var backToPlain = await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "enc", DestinationBucket = bucket, DestinationKey = "plain2" });
        Assert.True(backToPlain.ServerSideEncryptionMethod is null || backToPlain.ServerSideEncryptionMethod.Value is null or "");

        // Onto itself with only the encryption changed: legal, as S3 allows.
        await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "plain", DestinationBucket = bucket, DestinationKey = "plain", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        });
        foreach (var key in new[] { "enc", "plain2", "plain" })
        {
            using var get = await s3.GetObjectAsync(bucket, key);
            Assert.Equal(data, await ReadAsync(get));
        }
        Assert.Equal(ServerSideEncryptionMethod.AES256, (await s3.GetObjectMetadataAsync(bucket, "plain")).ServerSideEncryptionMethod);
    }

    [Fact]
    public async Task A_bucket_policy_denying_unencrypted_puts_refuses_them_and_lets_AES256_puts_through()
    {
        var (s3, bucket) = await NewBucketAsync("ssepol");
        using var _ = s3;
        await s3.PutBucketPolicyAsync(bucket, $$"""
            {"Version":"2012-10-17","Statement":[{"Sid":"DenyUnencrypted","Effect":"Deny","Principal":"*","Action":"s3:PutObject",
              "Resource":"arn:aws:s3:::{{bucket}}/*","Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"AES256"} } }]}
            """);
        var user = await CreateUserAsync(host.Shared, UniqueName("writer"), $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::{{bucket}}/*"}]}
            """);
        using var client = Client(host.Shared, user);

        await DeniedAsync(() => client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "plain", ContentBody = "x" }));
        var put = await client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "sealed", ContentBody = "x", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        });
        Assert.Equal(ServerSideEncryptionMethod.AES256, put.ServerSideEncryptionMethod);
    }
}
