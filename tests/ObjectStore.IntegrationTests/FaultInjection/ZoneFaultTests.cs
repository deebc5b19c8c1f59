using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.Storage;
using static ObjectStore.IntegrationTests.FaultInjection.FaultHost;

namespace ObjectStore.IntegrationTests.FaultInjection;

/// <summary>
/// Damaged zones seen through the local host with AWSSDK.S3: the default layout is 4+2 over three
/// zones (two shards per zone), 1 MiB blocks, so a stripe holds 4 MiB of object data. Each test
/// damages the zones of a host of its own; every test runs with zones on disk, on Blob, and mixed.
/// </summary>
public abstract class ZoneFaultTests(LocalHostFixture fixture, ZoneLayout zones)
{
    private const int Stripe = 4 * MiB;

    /// <summary>0 B, 1 B, a few KiB (one short stripe), several MiB (four stripes, the last one short).</summary>
    private static readonly (string Key, byte[] Data)[] Objects =
    [
        ("empty", Payload(0, 1)),
        ("one-byte", Payload(1, 2)),
        ("few-kib/object.bin", Payload(3 * 1024 + 5, 3)),
        ("several-mib/object.bin", Payload(3 * Stripe + MiB + 777, 4)),
    ];

    private static readonly byte[] Large = Objects[^1].Data;

    [Fact]
    public async Task Get_after_a_whole_zone_is_deleted_returns_original_bytes()
    {
        await using var faults = await StartAsync(fixture, zones);
        var layouts = await PutAllAsync(faults);

        await faults.DeleteZoneAsync("zone-b"); // its directory, or its container

        await AssertAllReadBackAsync(faults);
        var lines = faults.BadShardLines();
        Assert.All(lines, line => Assert.Equal(("zone-b", ShardProblem.Missing), ((string)line["Zone"]!, (ShardProblem)line["Problem"]!)));
        // A whole GET of the large object reads every data block: its data shards in zone-b were missed and rebuilt.
        var large = layouts[^1];
        var lostDataShards = faults.ShardsIn(large, "zone-b").Where(i => i < large.DataShards).ToArray();
        Assert.NotEmpty(lostDataShards); // every zone holds at least one data shard of a 4+2 stripe
        Assert.All(lostDataShards, i => Assert.Contains(lines, l => Names(l, large, i)));
    }

    [Fact]
    public async Task Get_after_random_bytes_are_flipped_in_one_zones_shards_returns_original_bytes_and_logs_each_corrupt_shard()
    {
        await using var faults = await StartAsync(fixture, zones);
        var layouts = await PutAllAsync(faults);
        var random = new Random(20240603);
        var corrupt = new List<(DataLayout Layout, int Shard)>();
        foreach (var layout in layouts.Where(l => l.Length > 0))
            foreach (var shard in faults.ShardsIn(layout, "zone-a"))
            {
                await faults.FlipBytesInEveryBlockAsync(layout, shard, random);
                corrupt.Add((layout, shard));
            }

        var before = faults.Log.Entries.Count;
        Assert.Equal(Large, await faults.GetAsync(Objects[^1].Key));
        var largeGet = faults.BadShardLines(before);
        await AssertAllReadBackAsync(faults);

        var lines = faults.BadShardLines();
        Assert.NotEmpty(lines);
        Assert.All(lines, line =>
        {
            Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, line.Level);
            Assert.Equal(("zone-a", ShardProblem.ChecksumMismatch), ((string)line["Zone"]!, (ShardProblem)line["Problem"]!));
            Assert.Contains(corrupt, c => Names(line, c.Layout, c.Shard)); // only shards that were corrupted
        });
        // A whole GET reads every data block, so each corrupt data shard is named, once per request.
        var large = layouts[^1];
        var corruptDataShards = faults.ShardsIn(large, "zone-a").Where(i => i < large.DataShards).ToArray();
        Assert.NotEmpty(corruptDataShards);
        Assert.All(corruptDataShards, i => Assert.Single(largeGet, l => Names(l, large, i)));
        Assert.Equal(largeGet.Count, largeGet.Select(l => l["ShardIndex"]).Distinct().Count());
    }

    [Fact]
    public async Task Get_with_three_shards_of_a_stripe_lost_answers_InternalError_and_logs_the_object()
    {
        await using var faults = await StartAsync(fixture, zones);
        const string key = "lost/three-shards.bin";
        var data = Payload(Stripe + 1000, 5);
        var layout = await faults.PutAsync(key, data);
        foreach (var shard in new[] { 0, 3, 5 })
            Assert.True(await faults.DeleteShardAsync(layout, shard));

        // The first stripe cannot be rebuilt before any byte is sent: an S3 error, not a 200.
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => faults.GetAsync(key));
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal("InternalError", error.ErrorCode);
        Assert.False(string.IsNullOrEmpty(error.RequestId));

        var failed = Assert.Single(faults.Log.WithEventId(1001)); // S3 handler: unexpected error
        Assert.Equal(error.RequestId, failed["RequestId"]);
        Assert.Equal($"/{faults.Bucket}/{key}", failed["Path"]);
        var cause = Assert.IsType<DataStoreException>(failed.Exception);
        Assert.Contains(layout.DataId, cause.Message);
        var lost = Assert.Single(faults.Log.WithEventId(2005)); // data plane: stripe unreadable
        Assert.Equal((layout.DataId, 0L), ((string)lost["DataId"]!, (long)lost["Stripe"]!));

        // Blocks of intact shards still serve a Range that needs no rebuilding (shard 1 holds bytes [1 MiB, 2 MiB)).
        Assert.Equal(data.AsSpan(MiB + 10, 100).ToArray(), await faults.GetAsync(key, new ByteRange(MiB + 10, MiB + 109)));
    }

    [Fact]
    public async Task Get_with_three_shards_of_a_later_stripe_corrupt_aborts_the_connection_after_a_correct_prefix()
    {
        await using var faults = await StartAsync(fixture, zones);
        const string key = "lost/third-stripe.bin";
        var layout = await faults.PutAsync(key, Large);
        var random = new Random(11);
        foreach (var shard in new[] { 1, 2, 4 })
            await faults.FlipBytesAsync(layout, shard, random, [2]);

        // Stripes 0 and 1 stream out under a 200 before stripe 2 turns out unreadable; the only honest
        // signal left is a broken connection, so the client gets a short body, never wrong bytes.
        using var response = await faults.S3.GetObjectAsync(faults.Bucket, key);
        Assert.Equal(HttpStatusCode.OK, response.HttpStatusCode);
        Assert.Equal(Large.Length, response.ContentLength);
        var received = new MemoryStream();
        await Assert.ThrowsAnyAsync<IOException>(() => response.ResponseStream.CopyToAsync(received));
        Assert.InRange(received.Length, 0, 2 * Stripe);
        Assert.Equal(Large.AsSpan(0, (int)received.Length).ToArray(), received.ToArray());

        var aborted = Assert.Single(faults.Log.WithEventId(1002)); // S3 handler: error after the response started
        Assert.Equal("InternalError", aborted["Code"]);
        var failed = Assert.Single(faults.Log.WithEventId(1001));
        Assert.Equal($"/{faults.Bucket}/{key}", failed["Path"]);
        Assert.Equal(aborted["RequestId"], failed["RequestId"]);
        var lost = Assert.Single(faults.Log.WithEventId(2005));
        Assert.Equal((layout.DataId, 2L), ((string)lost["DataId"]!, (long)lost["Stripe"]!));
    }

    private static async Task<DataLayout[]> PutAllAsync(FaultHost faults)
    {
        var layouts = new DataLayout[Objects.Length];
        for (var i = 0; i < Objects.Length; i++)
            layouts[i] = await faults.PutAsync(Objects[i].Key, Objects[i].Data);
        return layouts;
    }

    /// <summary>Every object whole, and Ranges of the large one: across a stripe boundary, inside a block, the last bytes.</summary>
    private static async Task AssertAllReadBackAsync(FaultHost faults)
    {
        foreach (var (key, data) in Objects)
        {
            var got = await faults.GetAsync(key);
            Assert.True(data.AsSpan().SequenceEqual(got), $"GET {key} returned other bytes");
        }
        var largeKey = Objects[^1].Key;
        foreach (var (from, to) in new[] { (Stripe - 100L, 2L * Stripe + 99), (MiB + 3L, MiB + 4), (Large.Length - 10L, Large.Length - 1L) })
        {
            var got = await faults.GetAsync(largeKey, new ByteRange(from, to));
            Assert.True(Large.AsSpan((int)from, (int)(to - from + 1)).SequenceEqual(got), $"GET {largeKey} bytes={from}-{to} returned other bytes");
        }
    }

    /// <summary>The line names shard <paramref name="shard"/> of that data (its file is {dataId}.{NN}.shard in its zone), in its text too.</summary>
    private static bool Names(CapturedLog line, DataLayout layout, int shard) =>
        (string?)line["DataId"] == layout.DataId && (int?)line["ShardIndex"] == shard
        && line.Message.Contains($"data {layout.DataId} shard {shard} in zone {layout.ShardZones[shard]}", StringComparison.Ordinal);
}

[Collection(LocalHostCollection.Name)]
public sealed class DiskZoneFaultTests(LocalHostFixture fixture) : ZoneFaultTests(fixture, ZoneLayout.Disk);

/// <summary>Every zone a Blob container: deleting one zone's container leaves every object readable.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class BlobZoneFaultTests(LocalHostFixture fixture) : ZoneFaultTests(fixture, ZoneLayout.Blob);

/// <summary>zone-a on disk, zone-b and zone-c on Blob: one stripe's shards on both backends.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class MixedZoneFaultTests(LocalHostFixture fixture) : ZoneFaultTests(fixture, ZoneLayout.Mixed);
