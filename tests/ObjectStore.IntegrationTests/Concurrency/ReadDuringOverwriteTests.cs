using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ObjectStore.Background;
using ObjectStore.Index;
using ObjectStore.IntegrationTests.FaultInjection;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.Storage;
using ObjectStore.Testing;

namespace ObjectStore.IntegrationTests.Concurrency;

/// <summary>
/// Issue 17: a GET that has started finishes with the bytes of the version it started on while a
/// writer overwrites the object and another client deletes it (the training job reading
/// <c>latest.pt</c> while the trainer writes the next one). The replaced data is deleted only by the
/// repair pass after the grace period; then exactly the shards of the replaced versions are gone.
/// The repair pass gets its own clock, so the two-hour default grace passes without sleeping.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class ReadDuringOverwriteTests(LocalHostFixture fixture)
{
    private const int MiB = 1024 * 1024;
    private const string Key = "checkpoints/latest.pt";
    /// <summary>Three parts (5 + 5 + 1 MiB): later parts are opened long after the first bytes went out.</summary>
    private static readonly int[] PartSizes = [5 * MiB, 5 * MiB, 1 * MiB];
    private static readonly byte[] Base = FaultHost.Payload(PartSizes.Sum(), 17);

    [Theory]
    [InlineData(ZoneLayout.Disk, 20)]
    [InlineData(ZoneLayout.Blob, 5)]
    public async Task Reads_racing_overwrites_and_deletes_return_their_version_and_the_old_data_goes_only_after_the_grace_period(ZoneLayout zones, int rounds)
    {
        var started = DateTimeOffset.UtcNow;
        var repairClock = new FakeTimeProvider(started);
        await using var host = await fixture.StartHostAsync(new LocalHostOptions
        {
            Background = false,
            Zones = zones,
            Settings = RepairSupport.Settings(verifyFraction: "0"), // OBJECTSTORE_DATA_DELETE_GRACE: the two-hour default
            ConfigureServices = services => services.AddSingleton(sp => ActivatorUtilities.CreateInstance<RepairService>(sp, (TimeProvider)repairClock)),
        });
        using var reader = host.CreateS3Client(configure: c => c.MaxErrorRetry = 0);
        using var writer = host.CreateS3Client();
        using var deleter = host.CreateS3Client();
        var bucket = UniqueNames.Bucket("latest");
        await writer.PutBucketAsync(bucket);

        var versions = 0;
        var current = await PutVersionAsync(writer, bucket, ++versions);
        for (var round = 0; round < rounds; round++)
        {
            using var get = await reader.GetObjectAsync(bucket, Key);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[256 * 1024];
            var read = await ReadChunkAsync(get.ResponseStream, buffer, 64 * 1024, hash);

            // The writer overwrites and the deleter deletes while the reader holds the first chunk: on even
            // rounds at once (the delete usually lands first), on odd ones the delete (by version id) after.
            var next = ++versions;
            var overwrite = PutVersionAsync(writer, bucket, next);
            var delete = round % 2 == 0
                ? deleter.DeleteObjectAsync(bucket, Key)
                : overwrite.ContinueWith(_ => deleter.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = Key, VersionId = "null" })).Unwrap();
            await Task.WhenAll(overwrite, delete);

            // The rest, slowly: a chunk, a pause.
            while (await ReadChunkAsync(get.ResponseStream, buffer, buffer.Length, hash) is var n and > 0)
            {
                read += n;
                await Task.Delay(1);
            }
            Assert.Equal(current.Length, read);
            Assert.Equal(SHA256.HashData(current), hash.GetHashAndReset());

            current = await ExistsAsync(writer, bucket) ? await overwrite : await PutVersionAsync(writer, bucket, ++versions);
        }

        var shards = host.Services.GetRequiredService<IShardMaintenance>();
        var live = await LiveDataIdsAsync(host, bucket);
        Assert.Equal(PartSizes.Length, live.Count);
        var before = await ShardsAsync(shards);
        Assert.True(before.Count > live.Count * 6, "the replaced versions' shards are still there during the grace period");

        // Within the grace period a pass deletes nothing and reports every replaced version as pending.
        var early = await host.FullPassAsync();
        Assert.Equal(0L, early.LastPass!.DataDeleted.Objects);
        Assert.Equal(versions - 1L, early.PendingDeletions!.Count);
        Assert.Equal((versions - 1L) * Base.Length, early.PendingDeletions.Bytes);
        Assert.InRange(early.PendingDeletions.OldestDueAt!.Value, started.AddHours(2), DateTimeOffset.UtcNow.AddHours(2));
        Assert.Equal(before, await ShardsAsync(shards));

        repairClock.SetUtcNow(DateTimeOffset.UtcNow + TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
        var collected = await host.FullPassAsync();

        Assert.Equal(versions - 1L, collected.LastPass!.DataDeleted.Objects);
        Assert.Equal((versions - 1L) * Base.Length, collected.LastPass.DataDeleted.Bytes);
        Assert.Equal((0L, (DateTimeOffset?)null), (collected.PendingDeletions!.Count, collected.PendingDeletions.OldestDueAt));
        Assert.Equal(0L, collected.LastPass.OrphansRemoved);
        var after = await ShardsAsync(shards);
        Assert.Equal(before.Where(s => live.Contains(s.DataId)).ToHashSet(), after);
        Assert.Equal(live.Count * 6, after.Count);
        using var final = await reader.GetObjectAsync(bucket, Key);
        using var body = new MemoryStream();
        await final.ResponseStream.CopyToAsync(body);
        Assert.Equal(SHA256.HashData(current), SHA256.HashData(body.ToArray()));
    }

    [Fact]
    public async Task A_bucket_whose_objects_are_pending_deletion_can_be_deleted_and_their_data_is_still_collected()
    {
        var repairClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await fixture.StartHostAsync(new LocalHostOptions
        {
            Background = false,
            Settings = RepairSupport.Settings(verifyFraction: "0"),
            ConfigureServices = services => services.AddSingleton(sp => ActivatorUtilities.CreateInstance<RepairService>(sp, (TimeProvider)repairClock)),
        });
        using var s3 = host.CreateS3Client();
        var bucket = UniqueNames.Bucket("retired");
        await s3.PutBucketAsync(bucket);
        await PutVersionAsync(s3, bucket, 1);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "small", ContentBody = "bytes" });
        await s3.DeleteObjectAsync(bucket, Key);
        await s3.DeleteObjectAsync(bucket, "small");
        var shards = host.Services.GetRequiredService<IShardMaintenance>();
        Assert.Equal(PartSizes.Length * 6 + 6, (await ShardsAsync(shards)).Count);

        await s3.DeleteBucketAsync(bucket); // pending deletions and the multipart object's part rows do not keep it

        var index = host.Services.GetRequiredService<IObjectIndex>();
        Assert.Contains(bucket, await index.ListRetiredBucketsAsync(CancellationToken.None).ToListAsync());
        var early = await host.FullPassAsync();
        Assert.Equal((2L, 0L), (early.PendingDeletions!.Count, early.LastPass!.DataDeleted.Objects));
        Assert.Equal(0L, early.LastPass.OrphansRemoved);
        repairClock.SetUtcNow(DateTimeOffset.UtcNow + TimeSpan.FromHours(3));
        var collected = await host.FullPassAsync();
        Assert.Equal((0L, 2L), (collected.PendingDeletions!.Count, collected.LastPass!.DataDeleted.Objects));
        Assert.Empty(await ShardsAsync(shards));
        Assert.DoesNotContain(bucket, await index.ListRetiredBucketsAsync(CancellationToken.None).ToListAsync());
        Assert.Empty((await index.ListDataRowsAsync(bucket, null, 10, CancellationToken.None)).Rows); // the part rows went with their data
    }

    /// <summary>Version <paramref name="number"/>: the base bytes with the number stamped into each part, uploaded in three parts.</summary>
    private static async Task<byte[]> PutVersionAsync(AmazonS3Client s3, string bucket, int number)
    {
        var content = (byte[])Base.Clone();
        var upload = await s3.InitiateMultipartUploadAsync(bucket, Key);
        var etags = new List<PartETag>();
        var offset = 0;
        for (var part = 1; part <= PartSizes.Length; part++)
        {
            BitConverter.TryWriteBytes(content.AsSpan(offset), number);
            var response = await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = Key, UploadId = upload.UploadId, PartNumber = part,
                InputStream = new MemoryStream(content, offset, PartSizes[part - 1], writable: false),
            });
            etags.Add(new PartETag(part, response.ETag));
            offset += PartSizes[part - 1];
        }
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = Key, UploadId = upload.UploadId, PartETags = etags });
        return content;
    }

    private static async Task<int> ReadChunkAsync(Stream stream, byte[] buffer, int count, IncrementalHash hash)
    {
        var total = 0;
        while (total < count)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(total, count - total));
            if (n == 0)
                break;
            total += n;
        }
        hash.AppendData(buffer, 0, total);
        return total;
    }

    private static async Task<bool> ExistsAsync(AmazonS3Client s3, string bucket)
    {
        try
        {
            await s3.GetObjectMetadataAsync(bucket, Key);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>The data ids of the current object's parts.</summary>
    private static async Task<HashSet<string>> LiveDataIdsAsync(LocalHostInstance host, string bucket)
    {
        var index = host.Services.GetRequiredService<IObjectIndex>();
        var record = await index.GetObjectAsync(bucket, Key, null, CancellationToken.None);
        var uploadId = record!.DataLayout.Split(';')[2];
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var part in index.ListPartsAsync(bucket, uploadId, 0, CancellationToken.None))
            ids.Add(DataLayout.Parse(part.DataLayout).DataId);
        return ids;
    }

    /// <summary>Every shard in every zone (disk directory or Blob container), by zone, data id and index.</summary>
    private static async Task<HashSet<(string Zone, string DataId, int Index)>> ShardsAsync(IShardMaintenance shards)
    {
        var all = new HashSet<(string, string, int)>();
        foreach (var zone in shards.ZoneNames)
        {
            await foreach (var entry in shards.ListShardsAsync(zone, CancellationToken.None))
            {
                if (entry.Id is { } id)
                    all.Add((zone, id.DataId, id.ShardIndex));
            }
        }
        return all;
    }
}
