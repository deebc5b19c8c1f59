using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.IntegrationTests.Lifecycle;
using ObjectStore.Storage;

namespace ObjectStore.IntegrationTests.Encryption;

/// <summary>
/// Lifecycle moves encrypted data verbatim (no key needed): a transitioned SSE-S3 or SSE-C object and
/// its restored copy still open. An encrypted multipart object is left where it is.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class EncryptedLifecycleTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task Transition_and_restore_of_encrypted_objects_keep_them_readable_and_skip_encrypted_multipart_objects()
    {
        await using var lc = await LifecycleHost.StartAsync(fixture);
        var bucket = await lc.CreateBucketAsync("lc-sse", versioned: false,
            "<LifecycleConfiguration><Rule><ID>archive</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status>"
            + "<Transition><Days>1</Days><StorageClass>STANDARD_IA</StorageClass></Transition></Rule></LifecycleConfiguration>");
        var data = new byte[3 * 1024 * 1024 + 77];
        new Random(5).NextBytes(data);
        var customerKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await lc.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "s3", InputStream = new MemoryStream(data), ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256 });
        await lc.S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "c", InputStream = new MemoryStream(data),
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256, ServerSideEncryptionCustomerProvidedKey = customerKey,
        });
        var upload = await lc.S3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "mp", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256 });
        var part = await lc.S3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "mp", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(data) });
        await lc.S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "mp", UploadId = upload.UploadId, PartETags = [new PartETag(1, part.ETag)] });
        var before = DataLayout.Parse((await lc.RecordAsync(bucket, "s3")).DataLayout);

        lc.AdvanceDays(1.1);
        var result = await lc.RunPassAsync();

        Assert.Equal(2, result.Totals.Transitioned);
        var after = await lc.RecordAsync(bucket, "s3");
        Assert.Equal("STANDARD_IA", after.StorageClass);
        Assert.NotEqual(before.DataId, DataLayout.Parse(after.DataLayout).DataId);
        Assert.Equal(data, await lc.GetAsync(bucket, "s3"));
        Assert.Equal("STANDARD_IA", (await lc.RecordAsync(bucket, "c")).StorageClass);
        using (var get = await lc.S3.GetObjectAsync(new GetObjectRequest
        {
            BucketName = bucket, Key = "c", ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256, ServerSideEncryptionCustomerProvidedKey = customerKey,
            ByteRange = new ByteRange(65_000, 2_000_000),
        }))
        {
            using var buffer = new MemoryStream();
            await get.ResponseStream.CopyToAsync(buffer);
            Assert.Equal(data[65_000..2_000_001], buffer.ToArray());
        }
        Assert.Equal("STANDARD", (await lc.RecordAsync(bucket, "mp")).StorageClass); // skipped, still readable
        Assert.Equal(data, await lc.GetAsync(bucket, "mp"));
    }
}
