using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using ObjectStore.Background;
using ObjectStore.Index;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.Storage;
using static ObjectStore.IntegrationTests.FaultInjection.FaultHost;

namespace ObjectStore.IntegrationTests.FaultInjection;

/// <summary>
/// The repair pass through the local host (4+2 over three zones, 1 MiB blocks): damage the zones,
/// run passes, read the report, and read every object back byte for byte. Each test has its own
/// host, data directory and index.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class RepairTests(LocalHostFixture fixture)
{
    /// <summary>0 B (no shards), 1 B, a few KiB, several stripes with a short last one.</summary>
    private static readonly (string Key, byte[] Data)[] Objects =
    [
        ("empty", Payload(0, 1)),
        ("one-byte", Payload(1, 2)),
        ("few-kib/object.bin", Payload(3 * 1024 + 5, 3)),
        ("several-mib/object.bin", Payload(9 * MiB + 777, 4)),
    ];

    private const string MultipartKey = "multipart/object.bin";
    private static readonly byte[][] MultipartParts = [Payload(5 * MiB, 5), Payload(300 * 1024 + 3, 6)];

    /// <summary>Pieces of data with shards: three single objects and two parts (the empty object has none).</summary>
    private const int PiecesWithShards = 5;

    [Fact]
    public async Task A_deleted_zone_directory_reports_degraded_and_once_the_zone_is_back_every_shard_is_rebuilt()
    {
        await using var faults = await StartAsync(fixture, ZoneLayout.Disk, RepairSupport.Settings(verifyFraction: "0"));
        await PutAllAsync(faults);
        var live = await faults.Host.LiveShardFilesAsync();
        Assert.Equal(PiecesWithShards * 6, live.Count);
        Directory.Delete(faults.Host.ZoneDirectory("zone-b"), recursive: true);

        // The zone is unavailable (its directory is gone): nothing can be rebuilt there, the report says so.
        var degraded = await faults.Host.FullPassAsync();
        var pass = degraded.LastPass!;
        Assert.Equal(PiecesWithShards + 1, pass.Checked.Objects);
        Assert.Equal(2, pass.Parts);
        Assert.Equal(1, pass.MultipartObjects);
        Assert.Equal((1L, 0L), (pass.Healthy.Objects, pass.Healthy.Bytes)); // the empty object
        var twoMissing = Assert.Single(pass.DegradedByMissingShards);
        Assert.Equal("2", twoMissing.Key); // 4+2 over three zones: two shards per zone
        Assert.Equal(PiecesWithShards, twoMissing.Value.Objects);
        Assert.Equal(Objects.Sum(o => (long)o.Data.Length) + MultipartParts.Sum(p => (long)p.Length), twoMissing.Value.Bytes);
        Assert.Equal((0L, 0L), (pass.ShardsRepaired, pass.Unreadable.Objects));
        Assert.Equal((PiecesWithShards * 2L, PiecesWithShards * 2L), (pass.Zones["zone-b"].BadFound, pass.Zones["zone-b"].StillBad));
        Assert.Equal(0, pass.Zones["zone-a"].BadFound);
        Assert.NotNull(degraded.OldestUnrepairedDamage);
        Assert.NotNull(degraded.LastFullPassAt);
        Assert.False(Directory.Exists(faults.Host.ZoneDirectory("zone-b")));
        await AssertAllReadBackAsync(faults); // degraded reads still serve every byte

        Directory.CreateDirectory(faults.Host.ZoneDirectory("zone-b")); // the operator brings an empty disk back
        var healed = await faults.Host.FullPassAsync();
        pass = healed.LastPass!;
        Assert.Equal(PiecesWithShards + 1, pass.Healthy.Objects);
        Assert.Empty(pass.DegradedByMissingShards);
        Assert.Equal(PiecesWithShards * 2L, pass.ShardsRepaired);
        Assert.Equal(PiecesWithShards * 2L, pass.Zones["zone-b"].Repaired);
        Assert.Null(healed.OldestUnrepairedDamage);
        Assert.True(healed.LastFullPassAt > degraded.LastFullPassAt);
        Assert.Equal(live, faults.Host.ZoneFiles()); // every shard back where its layout puts it, nothing else
        await AssertAllReadBackAsync(faults);
        Assert.Equal(0, (await faults.Host.FullPassAsync()).LastPass!.ShardsFound);
    }

    [Fact]
    public async Task Bytes_flipped_in_one_percent_of_shard_files_are_all_found_by_the_full_verify_and_rebuilt()
    {
        await using var faults = await StartAsync(fixture, ZoneLayout.Disk, RepairSupport.Settings(verifyFraction: "1"));
        var random = new Random(909);
        var objects = new List<(string Key, byte[] Data, DataLayout Layout)>();
        for (var i = 0; i < 40; i++)
        {
            var data = Payload(random.Next(1, 6 * MiB), 100 + i);
            var key = $"flip/{i:D2}";
            objects.Add((key, data, await faults.PutAsync(key, data)));
        }
        var shardFiles = objects.Sum(o => o.Layout.ShardZones.Count);
        var damagedCount = (int)Math.Ceiling(shardFiles / 100.0); // 240 files: 3
        // At most one damaged file per object, so never more than m=2 bad blocks in a stripe.
        var damaged = objects.OrderBy(_ => random.Next()).Take(damagedCount)
            .Select(o => (o.Layout, Shard: random.Next(o.Layout.ShardZones.Count))).ToArray();
        foreach (var (layout, shard) in damaged)
            await faults.FlipBytesAsync(layout, shard, random, [random.NextInt64(ShardGeometry.Of(layout).StripeCount)]);

        var pass = (await faults.Host.FullPassAsync()).LastPass!;

        Assert.Equal(objects.Count, pass.FullyVerified);
        Assert.Equal(damagedCount, pass.CorruptBlocks);
        Assert.Equal(damagedCount, pass.ShardsFound);
        Assert.Equal(damagedCount, pass.ShardsRepaired);
        Assert.Equal(objects.Count, pass.Healthy.Objects);
        foreach (var zone in damaged.GroupBy(d => d.Layout.ShardZones[d.Shard]))
            Assert.Equal(zone.Count(), pass.Zones[zone.Key].Repaired);
        foreach (var (key, data, _) in objects)
            Assert.True(Same(data, await faults.GetAsync(key)), $"GET {key} returned other bytes");
        Assert.Empty(faults.BadShardLines()); // the reads met no bad shard: all were rebuilt before them
        Assert.Equal(0, (await faults.Host.FullPassAsync()).LastPass!.ShardsFound);
    }

    [Fact]
    public async Task Truncated_shards_and_shards_swapped_between_two_objects_are_found_by_length_and_header_and_rebuilt()
    {
        // No block verify at all: length and header alone must find these.
        await using var faults = await StartAsync(fixture, ZoneLayout.Disk, RepairSupport.Settings(verifyFraction: "0"));
        var a = Payload(2 * 4 * MiB + 10, 21);
        var b = Payload(2 * 4 * MiB + 10, 22); // same size as a: swapped files have the right length
        var c = Payload(700 * 1024, 23);
        var la = await faults.PutAsync("swap/a", a);
        var lb = await faults.PutAsync("swap/b", b);
        var lc = await faults.PutAsync("truncate/c", c);
        var live = await faults.Host.LiveShardFilesAsync();

        var pa = faults.ShardPath(la, 2);
        var pb = faults.ShardPath(lb, 2);
        var swapped = pa + ".swap";
        File.Move(pa, swapped);
        File.Move(pb, pa);
        File.Move(swapped, pb);
        var pc = faults.ShardPath(lc, 4);
        using (var file = File.Open(pc, FileMode.Open)) file.SetLength(file.Length - 1);
        var pc0 = faults.ShardPath(lc, 0);
        using (var file = File.Open(pc0, FileMode.Open)) file.SetLength(ShardHeader.Size / 2); // not even a whole header

        var pass = (await faults.Host.FullPassAsync()).LastPass!;

        Assert.Equal((4L, 4L, 0L), (pass.ShardsFound, pass.ShardsRepaired, pass.CorruptBlocks));
        Assert.Equal(3, pass.Healthy.Objects);
        Assert.Equal(live, faults.Host.ZoneFiles());
        Assert.Equal(a, await faults.GetAsync("swap/a"));
        Assert.Equal(b, await faults.GetAsync("swap/b"));
        Assert.Equal(c, await faults.GetAsync("truncate/c"));
        Assert.Empty(faults.BadShardLines());
    }

    [Fact]
    public async Task A_read_that_meets_a_corrupt_block_queues_the_object_and_the_next_pass_repairs_it_first()
    {
        // Quick checks only: the walk alone would never see a flipped byte.
        await using var faults = await StartAsync(fixture, ZoneLayout.Disk, RepairSupport.Settings(verifyFraction: "0"));
        var data = Payload(5 * MiB + 3, 31);
        var layout = await faults.PutAsync("heal/object", data);
        await faults.FlipBytesAsync(layout, 0, new Random(3), [1]);

        Assert.Equal(data, await faults.GetAsync("heal/object"));
        Assert.Single(faults.BadShardLines());
        var queue = faults.Host.Services.GetRequiredService<RepairHealQueue>();
        for (var i = 0; i < 100 && queue.PendingSends > 0; i++)
            await Task.Delay(50);

        var pass = (await faults.Host.FullPassAsync()).LastPass!;
        Assert.Equal((1L, 1L, 1L), (pass.HealRequests, pass.ShardsRepaired, pass.CorruptBlocks));
        Assert.Equal(0, pass.FullyVerified);

        var before = faults.Log.Entries.Count;
        Assert.Equal(data, await faults.GetAsync("heal/object"));
        Assert.Empty(faults.BadShardLines(before));
        Assert.Equal(0, (await faults.Host.FullPassAsync()).LastPass!.HealRequests); // the request was consumed
    }

    [Fact]
    public async Task A_pass_skips_while_another_instance_holds_the_lease_and_a_pass_cut_short_resumes_from_its_cursor()
    {
        // One batch of two rows per invocation, then the time budget is spent.
        await using var faults = await StartAsync(fixture, ZoneLayout.Disk, RepairSupport.Settings(verifyFraction: "0", batchSize: "2", maxPassDuration: "0.001"));
        for (var i = 0; i < 7; i++)
            await faults.PutAsync($"resume/{i}", Payload(1000 + i, 40 + i));
        File.Delete(faults.ShardPath(DataLayout.Parse((await faults.Host.Services.GetRequiredService<IObjectIndex>()
            .GetObjectAsync(faults.Bucket, "resume/6", null, CancellationToken.None))!.DataLayout), 1));

        var scans = faults.Host.Services.GetRequiredService<IScanStateStore>();
        await scans.InitializeAsync(CancellationToken.None);
        var other = await scans.TryAcquireAsync(RepairService.PassName, ScanState.WholeStore, "another-instance", TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.NotNull(other);
        var skipped = await faults.Host.Repair().RunPassAsync(CancellationToken.None);
        Assert.False(skipped.Ran);
        Assert.True(await scans.ReleaseAsync(other!, completed: false, data: null, CancellationToken.None));

        var invocations = 0;
        RepairPassOutcome outcome;
        do
        {
            outcome = await faults.Host.Repair().RunPassAsync(CancellationToken.None);
            Assert.True(outcome.Ran);
            invocations++;
            if (!outcome.Completed)
            {
                Assert.NotNull(outcome.Report.Cursor);
                Assert.NotNull(outcome.Report.CurrentPass);
            }
        }
        while (!outcome.Completed && invocations < 20);

        Assert.True(outcome.Completed);
        Assert.InRange(invocations, 4, 6); // 7 rows in batches of 2, then the orphan phase
        var pass = outcome.Report.LastPass!;
        Assert.Equal(7, pass.Checked.Objects); // each once, across invocations
        Assert.Equal((1L, 6L), (pass.ShardsRepaired, pass.Healthy.Objects - 1));
        Assert.Null(outcome.Report.Cursor);
        Assert.Equal(1, pass.Number);
    }

    private static async Task PutAllAsync(FaultHost faults)
    {
        foreach (var (key, data) in Objects)
            await faults.PutAsync(key, data);
        var upload = await faults.S3.InitiateMultipartUploadAsync(faults.Bucket, MultipartKey);
        var etags = new List<PartETag>();
        for (var i = 0; i < MultipartParts.Length; i++)
        {
            var part = await faults.S3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = faults.Bucket, Key = MultipartKey, UploadId = upload.UploadId, PartNumber = i + 1,
                InputStream = new MemoryStream(MultipartParts[i]),
            });
            etags.Add(new PartETag(i + 1, part.ETag));
        }
        await faults.S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = faults.Bucket, Key = MultipartKey, UploadId = upload.UploadId, PartETags = etags,
        });
    }

    private static async Task AssertAllReadBackAsync(FaultHost faults)
    {
        foreach (var (key, data) in Objects)
            Assert.True(Same(data, await faults.GetAsync(key)), $"GET {key} returned other bytes");
        Assert.True(Same(MultipartParts.SelectMany(p => p).ToArray(), await faults.GetAsync(MultipartKey)),
            $"GET {MultipartKey} returned other bytes");
    }

    private static bool Same(byte[] expected, byte[] actual) => expected.AsSpan().SequenceEqual(actual);
}
