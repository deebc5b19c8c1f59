using Amazon.S3;
using Amazon.S3.Model;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.DependencyInjection;
using ObjectStore.Index;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.Storage;
using ObjectStore.Storage.Blob;
using static ObjectStore.IntegrationTests.FaultInjection.FaultHost;

namespace ObjectStore.IntegrationTests.FaultInjection;

/// <summary>A repair pass over Blob zones rebuilds a shard in the access tier of its data's storage class.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class RepairBlobTierTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task Shards_rebuilt_into_Blob_zones_get_the_tier_of_the_versions_and_the_open_uploads_storage_class()
    {
        var settings = RepairSupport.Settings(verifyFraction: "0");
        settings["OBJECTSTORE_BLOB_ACCESS_TIERS"] = "STANDARD_IA=Cool";
        await using var faults = await StartAsync(fixture, ZoneLayout.Blob, settings);
        var index = faults.Host.Services.GetRequiredService<IObjectIndex>();

        await faults.S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = faults.Bucket, Key = "cool.bin", InputStream = new MemoryStream(Payload(100_000, 1)), StorageClass = S3StorageClass.StandardInfrequentAccess,
        });
        var version = DataLayout.Parse((await index.GetObjectAsync(faults.Bucket, "cool.bin", null, CancellationToken.None))!.DataLayout);
        var upload = await faults.S3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = faults.Bucket, Key = "cool-upload.bin", StorageClass = S3StorageClass.StandardInfrequentAccess,
        });
        await faults.S3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = faults.Bucket, Key = "cool-upload.bin", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(Payload(60_000, 2)),
        });
        DataLayout? part = null;
        await foreach (var row in index.ListPartsAsync(faults.Bucket, upload.UploadId, 0, CancellationToken.None))
            part = DataLayout.Parse(row.DataLayout);
        Assert.True(await IsCoolAsync(faults, version, 0) && await IsCoolAsync(faults, part!, 0));

        Assert.True(await faults.DeleteShardAsync(version, 0));
        Assert.True(await faults.DeleteShardAsync(part!, 0));
        var pass = (await faults.Host.FullPassAsync()).LastPass!;

        Assert.Equal(2, pass.ShardsRepaired);
        Assert.True(await IsCoolAsync(faults, version, 0), "the version's rebuilt shard is not in the Cool tier");
        Assert.True(await IsCoolAsync(faults, part!, 0), "the part's rebuilt shard is not in the Cool tier");
        Assert.Equal(Payload(100_000, 1), await faults.GetAsync("cool.bin"));
    }

    private static async Task<bool> IsCoolAsync(FaultHost faults, DataLayout layout, int shardIndex)
    {
        var zone = (BlobShardStore)faults.Host.ShardStores.Single(z => z.Zone == layout.ShardZones[shardIndex]);
        BlobProperties properties = await zone.Container.GetBlobClient(BlobShardStore.BlobName(new ShardId(layout.DataId, shardIndex))).GetPropertiesAsync();
        return properties.AccessTier == AccessTier.Cool;
    }
}
