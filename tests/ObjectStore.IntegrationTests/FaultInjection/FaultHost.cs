using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using ObjectStore.Index;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.Storage;
using ObjectStore.Storage.Blob;
using ObjectStore.Storage.Disk;
using ObjectStore.Testing;

namespace ObjectStore.IntegrationTests.FaultInjection;

/// <summary>
/// A local host of its own (own zones and index, background passes off so nothing heals behind
/// the test's back) with one bucket, and the tools to damage the shards of its objects below the
/// shard store, in directories or Blob containers: read, corrupt, replace or remove a shard (found
/// from the layout the index recorded), or a whole zone.
/// </summary>
internal sealed class FaultHost : IAsyncDisposable
{
    public const int MiB = 1024 * 1024;

    private FaultHost(LocalHostInstance host, AmazonS3Client s3, string bucket)
    {
        Host = host;
        S3 = s3;
        Bucket = bucket;
    }

    public LocalHostInstance Host { get; }
    public AmazonS3Client S3 { get; }
    public string Bucket { get; }
    public LogCapture Log => Host.Log;

    /// <summary>No SDK retries: each failing request reaches the host (and its log) exactly once.</summary>
    public static async Task<FaultHost> StartAsync(LocalHostFixture fixture, ZoneLayout zones, IReadOnlyDictionary<string, string?>? settings = null)
    {
        // Fault injection damages shards: small objects keep shards here unless a test says otherwise.
        var all = new Dictionary<string, string?> { [ShardBackedSetting.Name] = ShardBackedSetting.Off };
        foreach (var (name, value) in settings ?? new Dictionary<string, string?>())
            all[name] = value;
        var host = await fixture.StartHostAsync(new LocalHostOptions { Background = false, Zones = zones, Settings = all });
        var s3 = host.CreateS3Client(configure: c => c.MaxErrorRetry = 0);
        var bucket = UniqueNames.Bucket("faults");
        await s3.PutBucketAsync(bucket);
        return new FaultHost(host, s3, bucket);
    }

    /// <summary>Pseudo-random bytes, the same for the same size and seed.</summary>
    public static byte[] Payload(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>PUTs the object and returns the layout the index recorded for it.</summary>
    public async Task<DataLayout> PutAsync(string key, byte[] data)
    {
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, InputStream = new MemoryStream(data) });
        var record = await Host.Services.GetRequiredService<IObjectIndex>().GetObjectAsync(Bucket, key, versionId: null, CancellationToken.None);
        return DataLayout.Parse(record!.DataLayout);
    }

    /// <summary>The whole object, or the inclusive byte range, as the client received it.</summary>
    public async Task<byte[]> GetAsync(string key, ByteRange? range = null)
    {
        using var response = await S3.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = key, ByteRange = range });
        using var body = new MemoryStream();
        await response.ResponseStream.CopyToAsync(body);
        return body.ToArray();
    }

    /// <summary>The shard files of <paramref name="layout"/> in <paramref name="zone"/>, by shard index.</summary>
    public IEnumerable<int> ShardsIn(DataLayout layout, string zone) =>
        Enumerable.Range(0, layout.ShardZones.Count).Where(i => layout.ShardZones[i] == zone);

    private IShardStore Zone(string name) => Host.ShardStores.Single(z => z.Zone == name);

    /// <summary>Removes a whole zone: its directory, or its Blob container.</summary>
    public async Task DeleteZoneAsync(string zone)
    {
        switch (Zone(zone))
        {
            case DiskShardStore disk:
                Directory.Delete(disk.RootDirectory, recursive: true);
                break;
            case BlobShardStore blob:
                await blob.Container.DeleteAsync();
                break;
        }
    }

    /// <summary>The file of a committed shard in a disk zone (repair tests damage files directly).</summary>
    public string ShardPath(DataLayout layout, int shardIndex) =>
        ((DiskShardStore)Zone(layout.ShardZones[shardIndex])).ShardPath(new ShardId(layout.DataId, shardIndex));

    public Task<bool> DeleteShardAsync(DataLayout layout, int shardIndex) =>
        Zone(layout.ShardZones[shardIndex]).DeleteAsync(new ShardId(layout.DataId, shardIndex), CancellationToken.None);

    /// <summary>The committed bytes of a shard, read below the store (file or blob).</summary>
    public async Task<byte[]> ReadShardAsync(DataLayout layout, int shardIndex)
    {
        var id = new ShardId(layout.DataId, shardIndex);
        return Zone(layout.ShardZones[shardIndex]) switch
        {
            DiskShardStore disk => await File.ReadAllBytesAsync(disk.ShardPath(id)),
            BlobShardStore blob => (await blob.Container.GetBlobClient(BlobShardStore.BlobName(id)).DownloadContentAsync()).Value.Content.ToArray(),
            var other => throw new NotSupportedException(other.GetType().Name),
        };
    }

    /// <summary>Replaces a shard's bytes below the store (file or blob).</summary>
    public async Task WriteShardAsync(DataLayout layout, int shardIndex, byte[] bytes)
    {
        var id = new ShardId(layout.DataId, shardIndex);
        switch (Zone(layout.ShardZones[shardIndex]))
        {
            case DiskShardStore disk:
                await File.WriteAllBytesAsync(disk.ShardPath(id), bytes);
                break;
            case BlobShardStore blob:
                await blob.Container.GetBlobClient(BlobShardStore.BlobName(id)).UploadAsync(new BinaryData(bytes), overwrite: true);
                break;
        }
    }

    /// <summary>Flips one random bit of one random byte in the given stripes' blocks (checksum included) of a shard.</summary>
    public async Task FlipBytesAsync(DataLayout layout, int shardIndex, Random random, IEnumerable<long> stripes)
    {
        var geometry = ShardGeometry.Of(layout);
        var bytes = await ReadShardAsync(layout, shardIndex);
        foreach (var stripe in stripes)
            bytes[geometry.BlockOffset(stripe) + random.Next(geometry.BlockLength(stripe) + ShardGeometry.ChecksumSize)] ^= (byte)(1 << random.Next(8));
        await WriteShardAsync(layout, shardIndex, bytes);
    }

    /// <summary>Flips bytes in every block of a shard.</summary>
    public Task FlipBytesInEveryBlockAsync(DataLayout layout, int shardIndex, Random random) =>
        FlipBytesAsync(layout, shardIndex, random, LongRange(ShardGeometry.Of(layout).StripeCount));

    /// <summary>The bad-shard warnings (event 2001) logged from <paramref name="from"/> on.</summary>
    public IReadOnlyList<CapturedLog> BadShardLines(int from = 0) =>
        Log.Entries.Skip(from).Where(e => e.EventId.Id == 2001).ToArray();

    private static IEnumerable<long> LongRange(long count)
    {
        for (long i = 0; i < count; i++)
            yield return i;
    }

    public async ValueTask DisposeAsync()
    {
        S3.Dispose();
        await Host.DisposeAsync();
    }
}
