using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests.Encryption;

/// <summary>
/// The "done when": shard files of an SSE object hold no plaintext of it. Every shard file
/// under the zone directories is searched for a known pattern; the same search finds the pattern of an
/// unencrypted object, which shows the search works.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class ShardPlaintextTests(LocalHostFixture fixture)
{
    /// <summary>A unique 40-byte pattern repeated to <paramref name="size"/> bytes.</summary>
    private static (byte[] Pattern, byte[] Body) Patterned(int size)
    {
        var pattern = Encoding.ASCII.GetBytes($"PATTERN-{Guid.NewGuid():N}").AsSpan(0, 40).ToArray();
        var body = new byte[size];
        for (var i = 0; i < size; i++)
            body[i] = pattern[i % pattern.Length];
        return (pattern, body);
    }

    private static int ShardFilesContaining(string zonesRoot, byte[] pattern)
    {
        var hits = 0;
        foreach (var file in Directory.EnumerateFiles(zonesRoot, "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            if (bytes.AsSpan().IndexOf(pattern) >= 0)
                hits++;
        }
        return hits;
    }

    [Fact]
    public async Task Shard_files_of_SSE_objects_hold_no_plaintext_while_those_of_a_plain_object_do()
    {
        var host = await fixture.SharedOnAsync(ZoneLayout.Disk);
        var zonesRoot = Path.Combine(host.DataDirectory, "zones");
        using var s3 = host.CreateS3Client();
        var bucket = ClientTestData.BucketName("noplain");
        await s3.PutBucketAsync(bucket);

        var (plainPattern, plainBody) = Patterned(3 * 1024 * 1024 + 17);
        var (s3Pattern, s3Body) = Patterned(3 * 1024 * 1024 + 17);
        var (mpPattern, mpBody) = Patterned(6 * 1024 * 1024);
        var (ssecPattern, ssecBody) = Patterned(1024 * 1024);
        var customerKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "plain", InputStream = new MemoryStream(plainBody) });
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "sse-s3", InputStream = new MemoryStream(s3Body), ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        });
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "sse-c", InputStream = new MemoryStream(ssecBody), ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(customerKey),
        });
        var upload = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = "sse-mp", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        });
        var part1 = await s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "sse-mp", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(mpBody, 0, 5 * 1024 * 1024),
        });
        var part2 = await s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "sse-mp", UploadId = upload.UploadId, PartNumber = 2, InputStream = new MemoryStream(mpBody, 5 * 1024 * 1024, 1024 * 1024),
        });
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "sse-mp", UploadId = upload.UploadId, PartETags = [new PartETag(1, part1.ETag), new PartETag(2, part2.ETag)],
        });

        Assert.True(ShardFilesContaining(zonesRoot, plainPattern) > 0, "the search must find the plain object's pattern in its shards");
        Assert.Equal(0, ShardFilesContaining(zonesRoot, s3Pattern));
        Assert.Equal(0, ShardFilesContaining(zonesRoot, mpPattern));
        Assert.Equal(0, ShardFilesContaining(zonesRoot, ssecPattern));
        // Not even a 16-byte piece of the pattern.
        Assert.Equal(0, ShardFilesContaining(zonesRoot, s3Pattern[8..24]));

        using var get = await s3.GetObjectAsync(bucket, "sse-mp");
        using var buffer = new MemoryStream();
        await get.ResponseStream.CopyToAsync(buffer);
        Assert.Equal(mpBody, buffer.ToArray());
    }
}
