using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using ObjectStore.Index;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.Storage;
using static ObjectStore.IntegrationTests.FaultInjection.FaultHost;

namespace ObjectStore.IntegrationTests.FaultInjection;

/// <summary>What a repair pass does to the index once it made a degraded write whole again.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class RepairMarkerTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task Rebuilding_the_shards_a_degraded_write_missed_clears_the_missing_shards_marker_of_its_version_and_its_parts()
    {
        await using var faults = await StartAsync(fixture, ZoneLayout.Disk, RepairSupport.Settings(verifyFraction: "0"));
        var index = faults.Host.Services.GetRequiredService<IObjectIndex>();
        Directory.Delete(faults.Host.ZoneDirectory("zone-b"), recursive: true);

        // Written while zone-b is gone: each succeeds degraded and records the shards it could not write.
        var single = Payload(2 * MiB + 11, 1);
        var written = await faults.PutAsync("single.bin", single);
        Assert.Equal(faults.ShardsIn(written, "zone-b"), written.MissingShards.Order());
        var parts = new[] { Payload(5 * MiB, 2), Payload(70_000, 3) };
        var upload = await faults.S3.InitiateMultipartUploadAsync(faults.Bucket, "multipart.bin");
        var etags = new List<PartETag>();
        for (var n = 1; n <= parts.Length; n++)
        {
            var part = await faults.S3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = faults.Bucket, Key = "multipart.bin", UploadId = upload.UploadId, PartNumber = n, InputStream = new MemoryStream(parts[n - 1]),
            });
            etags.Add(new PartETag(n, part.ETag));
        }
        await faults.S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = faults.Bucket, Key = "multipart.bin", UploadId = upload.UploadId, PartETags = etags,
        });
        Assert.All(await PartLayoutsAsync(index, faults.Bucket, upload.UploadId), l => Assert.NotEmpty(l.MissingShards));

        Directory.CreateDirectory(faults.Host.ZoneDirectory("zone-b"));
        var pass = (await faults.Host.FullPassAsync()).LastPass!;
        Assert.Equal(3 * 2L, pass.ShardsRepaired);

        var version = DataLayout.Parse((await index.GetObjectAsync(faults.Bucket, "single.bin", null, CancellationToken.None))!.DataLayout);
        Assert.Equal(written with { MissingShards = [] }, version, LayoutComparer.Instance);
        Assert.All(await PartLayoutsAsync(index, faults.Bucket, upload.UploadId), l => Assert.Empty(l.MissingShards));
        Assert.Equal(single, await faults.GetAsync("single.bin"));
        Assert.Equal(parts.SelectMany(p => p).ToArray(), await faults.GetAsync("multipart.bin"));
        // Nothing left to do: the next pass finds every shard where the layouts say.
        Assert.Equal(0, (await faults.Host.FullPassAsync()).LastPass!.ShardsFound);
    }

    private static async Task<List<DataLayout>> PartLayoutsAsync(IObjectIndex index, string bucket, string uploadId)
    {
        var layouts = new List<DataLayout>();
        await foreach (var part in index.ListPartsAsync(bucket, uploadId, 0, CancellationToken.None))
            layouts.Add(DataLayout.Parse(part.DataLayout));
        return layouts;
    }

    /// <summary>Layouts by value (the record's lists compare by reference).</summary>
    private sealed class LayoutComparer : IEqualityComparer<DataLayout>
    {
        public static readonly LayoutComparer Instance = new();
        public bool Equals(DataLayout? x, DataLayout? y) => x?.Serialize() == y?.Serialize();
        public int GetHashCode(DataLayout obj) => obj.Serialize().GetHashCode(StringComparison.Ordinal);
    }
}
