using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using ObjectStore.Index;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.Storage;
using ObjectStore.Storage.Disk;
using ObjectStore.Testing;

namespace ObjectStore.IntegrationTests.FaultInjection;

/// <summary>
/// A local host of its own (own data directory and index, background passes off so nothing heals
/// behind the test's back) with one bucket, and the tools to damage the shards of its objects:
/// where each shard file is (from the layout the index recorded) and how to corrupt or remove it.
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
    public static async Task<FaultHost> StartAsync(LocalHostFixture fixture)
    {
        var host = await fixture.StartHostAsync(new LocalHostOptions { Background = false });
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

    public string ShardPath(DataLayout layout, int shardIndex)
    {
        var store = (ErasureObjectDataStore)Host.Services.GetRequiredService<IObjectDataStore>();
        var zone = (DiskShardStore)store.Zones.Single(z => z.Zone == layout.ShardZones[shardIndex]);
        return zone.ShardPath(new ShardId(layout.DataId, shardIndex));
    }

    /// <summary>Flips one random bit of one random byte in the given stripes' blocks (checksum included) of a shard file.</summary>
    public void FlipBytes(DataLayout layout, int shardIndex, Random random, IEnumerable<long> stripes)
    {
        var geometry = ShardGeometry.Of(layout);
        using var file = File.Open(ShardPath(layout, shardIndex), FileMode.Open, FileAccess.ReadWrite);
        var one = new byte[1];
        foreach (var stripe in stripes)
        {
            file.Position = geometry.BlockOffset(stripe) + random.Next(geometry.BlockLength(stripe) + ShardGeometry.ChecksumSize);
            file.ReadExactly(one);
            one[0] ^= (byte)(1 << random.Next(8));
            file.Position--;
            file.Write(one);
        }
    }

    /// <summary>Flips bytes in every block of a shard file.</summary>
    public void FlipBytesInEveryBlock(DataLayout layout, int shardIndex, Random random) =>
        FlipBytes(layout, shardIndex, random, LongRange(ShardGeometry.Of(layout).StripeCount));

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
