using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.LocalHost;
using ObjectStore.Testing;

namespace ObjectStore.IntegrationTests.Hosting;

/// <summary>
/// The free-space guard on the real filesystem of a host's data directory: a reserve larger than the
/// filesystem (1 PiB, 100%) makes the disk "full", so writes are refused with 507 InsufficientStorage
/// in S3 error XML before anything is stored, while reads and deletes of data written before are served.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class DiskFullTests(LocalHostFixture fixture)
{
    private static Dictionary<string, string?> Reserve(string value) => new() { [LocalHostApp.MinFreeSpaceSetting] = value };

    [Theory]
    [InlineData("1P")]
    [InlineData("100%")]
    public async Task CreateBucket_on_a_full_disk_answers_507_InsufficientStorage_and_creates_nothing(string reserve)
    {
        await using var host = await fixture.StartHostAsync(new LocalHostOptions { Background = false, Settings = Reserve(reserve) });
        using var s3 = host.CreateS3Client(configure: c => c.MaxErrorRetry = 0);
        var bucket = UniqueNames.Bucket("full");

        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutBucketAsync(bucket));

        AssertInsufficientStorage(error);
        var buckets = await s3.ListBucketsAsync();
        Assert.DoesNotContain(bucket, (buckets.Buckets ?? []).Select(b => b.BucketName));
        Assert.Contains(host.Log.Entries, e => e.EventId.Id == 7502);
    }

    [Fact]
    public async Task On_a_full_disk_writes_are_refused_while_reads_and_deletes_of_earlier_data_are_served()
    {
        await using var normal = await fixture.StartHostAsync(new LocalHostOptions { Background = false });
        using var before = normal.CreateS3Client(configure: c => c.MaxErrorRetry = 0);
        var bucket = UniqueNames.Bucket("full");
        await before.PutBucketAsync(bucket);
        await before.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "kept", ContentBody = "written before" });
        await before.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "dropped", ContentBody = "deleted on a full disk" });

        await using var full = await fixture.StartHostAsync(LocalHostOptions.SharingStateWith(normal) with { Background = false, Settings = Reserve("1P") });
        using var s3 = full.CreateS3Client(configure: c => c.MaxErrorRetry = 0);

        // Writes of every kind are refused before anything is stored.
        AssertInsufficientStorage(await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "new", ContentBody = "never stored" })));
        AssertInsufficientStorage(await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "kept", DestinationBucket = bucket, DestinationKey = "copy" })));
        AssertInsufficientStorage(await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "multi" })));
        AssertInsufficientStorage(await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.PutBucketTaggingAsync(new PutBucketTaggingRequest { BucketName = bucket, TagSet = [new Tag { Key = "k", Value = "v" }] })));
        AssertInsufficientStorage(await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = bucket,
                VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            })));

        // Reads of what was written before still work.
        using (var get = await s3.GetObjectAsync(bucket, "kept"))
        using (var reader = new StreamReader(get.ResponseStream, Encoding.UTF8))
            Assert.Equal("written before", await reader.ReadToEndAsync());
        var head = await s3.GetObjectMetadataAsync(bucket, "kept");
        Assert.Equal("written before".Length, head.ContentLength);
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(["dropped", "kept"], (listed.S3Objects ?? []).Select(o => o.Key).Order(StringComparer.Ordinal));
        var versioning = await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket });
        Assert.NotEqual(VersionStatus.Enabled, versioning.VersioningConfig?.Status);
        var tagging = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket }));
        Assert.Equal("NoSuchTagSet", tagging.ErrorCode);

        // Deletes are served: they are how a client makes room.
        await s3.DeleteObjectAsync(bucket, "dropped");

        // Nothing refused was stored, and the delete took effect; a host with the normal reserve writes as before.
        var after = await before.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(["kept"], (after.S3Objects ?? []).Select(o => o.Key));
        await before.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "new", ContentBody = "stored" });
        Assert.Equal(HttpStatusCode.OK, (await before.GetObjectMetadataAsync(bucket, "new")).HttpStatusCode);
    }

    [Fact]
    public async Task A_reserve_of_zero_turns_the_guard_off()
    {
        await using var host = await fixture.StartHostAsync(new LocalHostOptions { Background = false, Settings = Reserve("0") });
        using var s3 = host.CreateS3Client(configure: c => c.MaxErrorRetry = 0);
        var bucket = UniqueNames.Bucket("nores");

        await s3.PutBucketAsync(bucket);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "v" });

        Assert.DoesNotContain(host.Log.Entries, e => e.EventId.Id == 7502);
    }

    private static void AssertInsufficientStorage(AmazonS3Exception error)
    {
        Assert.Equal((HttpStatusCode)507, error.StatusCode);
        Assert.Equal("InsufficientStorage", error.ErrorCode); // parsed from the S3 error XML
        Assert.False(string.IsNullOrEmpty(error.RequestId));
    }
}
