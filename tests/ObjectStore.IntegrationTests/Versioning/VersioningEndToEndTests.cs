using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests.Versioning;

/// <summary>Versioning through the local host with AWSSDK.S3 4.1.0 in its default configuration.</summary>
public abstract class VersioningEndToEndContract(LocalHostFixture fixture, ZoneLayout? zones) : IAsyncLifetime
{
    private LocalHostInstance? _host;

    /// <summary>The shared host, or the shared host of <c>zones</c> when the class names a layout.</summary>
    private LocalHostInstance Host => _host ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync() => _host = zones is { } layout ? await fixture.SharedOnAsync(layout) : fixture.Shared;

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(AmazonS3Client S3, string Bucket)> NewBucketAsync(string? status)
    {
        var s3 = Host.CreateS3Client();
        var bucket = ClientTestData.BucketName("ver");
        await s3.PutBucketAsync(bucket);
        if (status is not null)
            await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = bucket,
                VersioningConfig = new S3BucketVersioningConfig { Status = status == "Enabled" ? VersionStatus.Enabled : VersionStatus.Suspended },
            });
        return (s3, bucket);
    }

    private static async Task<string> ReadAsync(AmazonS3Client s3, string bucket, string key, string? versionId = null)
    {
        using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId });
        using var reader = new StreamReader(response.ResponseStream);
        return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task Rolling_back_a_checkpoint_reads_last_weeks_bytes()
    {
        var (s3, bucket) = await NewBucketAsync("Enabled");
        using var _ = s3;
        Assert.Equal(VersionStatus.Enabled, (await s3.GetBucketVersioningAsync(bucket)).VersioningConfig.Status);

        var ids = new List<string>();
        foreach (var week in new[] { "week-1", "week-2", "week-3" })
            ids.Add((await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "model.pt", ContentBody = week })).VersionId);

        Assert.Equal(3, ids.Distinct().Count());
        Assert.Equal("week-3", await ReadAsync(s3, bucket, "model.pt"));
        Assert.Equal("week-1", await ReadAsync(s3, bucket, "model.pt", ids[0]));
        var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "model.pt", VersionId = ids[1] });
        Assert.Equal(ids[1], head.VersionId);

        // Roll back: copy the old version over the key, as the S3 docs suggest.
        var copy = await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "model.pt", SourceVersionId = ids[0], DestinationBucket = bucket, DestinationKey = "model.pt",
        });
        Assert.NotEqual(ids[2], copy.VersionId);
        Assert.Equal("week-1", await ReadAsync(s3, bucket, "model.pt"));
        Assert.Equal(4, (await s3.ListVersionsAsync(bucket)).Versions.Count);
    }

    [Fact]
    public async Task Delete_marker_hides_the_key_and_deleting_it_restores_the_object()
    {
        var (s3, bucket) = await NewBucketAsync("Enabled");
        using var _ = s3;
        var v1 = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "data/shard-0", ContentBody = "rows" })).VersionId;

        var deleted = await s3.DeleteObjectAsync(bucket, "data/shard-0");
        Assert.Equal("true", deleted.DeleteMarker);
        var hidden = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "data/shard-0"));
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Empty((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);

        var versions = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Prefix = "data/" });
        Assert.Equal([(deleted.VersionId, true, true), (v1, false, false)],
            versions.Versions.Select(v => (v.VersionId, v.IsDeleteMarker ?? false, v.IsLatest ?? false)));

        var undelete = await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "data/shard-0", VersionId = deleted.VersionId });
        Assert.Equal("true", undelete.DeleteMarker);
        Assert.Equal("rows", await ReadAsync(s3, bucket, "data/shard-0"));

        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "data/shard-0", VersionId = v1 });
        Assert.Empty((await s3.ListVersionsAsync(bucket)).Versions ?? []);
        await s3.DeleteBucketAsync(bucket);
    }

    [Fact]
    public async Task Suspended_bucket_overwrites_the_null_version_and_keeps_older_ones()
    {
        var (s3, bucket) = await NewBucketAsync("Enabled");
        using var _ = s3;
        var kept = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "kept" })).VersionId;
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Suspended },
        });

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "first null" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "second null" });

        var versions = (await s3.ListVersionsAsync(bucket)).Versions;
        Assert.Equal([("null", true), (kept, false)], versions.Select(v => (v.VersionId, v.IsLatest ?? false)));
        Assert.Equal("second null", await ReadAsync(s3, bucket, "k", "null"));
        Assert.Equal("kept", await ReadAsync(s3, bucket, "k", kept));
    }

    [Fact]
    public async Task Conditional_delete_with_a_stale_etag_fails_and_with_the_current_one_succeeds()
    {
        var (s3, bucket) = await NewBucketAsync(null);
        using var _ = s3;
        var first = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "manifest.json", ContentBody = "{}" });
        var second = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "manifest.json", ContentBody = "{\"v\":2}" });

        var stale = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "manifest.json", IfMatch = first.ETag }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "manifest.json", IfMatch = second.ETag });
        Assert.Empty((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);
    }
}

/// <summary>On the shared host (zones on disk unless <see cref="ZoneLayouts.Variable"/> says otherwise).</summary>
[Collection(LocalHostCollection.Name)]
public sealed class VersioningEndToEndTests(LocalHostFixture fixture) : VersioningEndToEndContract(fixture, zones: null);

/// <summary>The same suite with every zone a Blob container.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class VersioningEndToEndOnBlobZonesTests(LocalHostFixture fixture) : VersioningEndToEndContract(fixture, ZoneLayout.Blob);
