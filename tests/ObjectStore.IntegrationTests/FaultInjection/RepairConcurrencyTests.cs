using System.Collections.Concurrent;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;
using static ObjectStore.IntegrationTests.FaultInjection.FaultHost;

namespace ObjectStore.IntegrationTests.FaultInjection;

/// <summary>Repair passes running back to back while clients overwrite the same keys.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class RepairConcurrencyTests(LocalHostFixture fixture)
{
    private const int Keys = 6;
    private static readonly TimeSpan Load = TimeSpan.FromSeconds(6);

    [Fact]
    public async Task Repair_passes_concurrent_with_overwrites_of_the_same_keys_lose_no_write_and_delete_no_live_shard()
    {
        // Every block verified, orphans collected after 3 s: passes keep reading and deleting during the load.
        await using var faults = await StartAsync(fixture, ZoneLayout.Disk, RepairSupport.Settings(verifyFraction: "1", orphanGrace: "3"));
        var host = faults.Host;
        // Old leftovers the passes must remove meanwhile: a committed shard of data nothing names, and a temporary file.
        var seedLayout = await faults.PutAsync("seed", Payload(10_000, 1));
        var planted = PlantOrphans(faults, seedLayout);

        var acknowledged = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource(Load);
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var round = 0; !stop.IsCancellationRequested; round++)
            {
                var key = $"hot/{(w * 2) + (round % 2)}";
                var seed = (w * 1_000_000) + round;
                await faults.S3.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = faults.Bucket, Key = key, InputStream = new MemoryStream(Payload(Size(seed), seed)),
                });
                acknowledged[key] = seed; // one writer per key: the last acknowledged PUT is the one that must survive
            }
        })).ToArray();
        var passes = 0;
        var removedDuringLoad = 0L;
        var repair = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var outcome = await host.Repair().RunPassAsync(CancellationToken.None);
                Assert.True(outcome.Ran && outcome.Completed);
                removedDuringLoad += outcome.Report.LastPass!.OrphansRemoved;
                passes++;
            }
        });
        await Task.WhenAll([.. writers, repair]);

        Assert.True(passes >= 2, $"only {passes} passes ran during the load");
        Assert.Equal(Keys, acknowledged.Count);
        Assert.True(removedDuringLoad >= planted.Length, "the planted orphans were not removed during the load");
        Assert.All(planted, p => Assert.False(File.Exists(p)));
        // No pass deleted (or left damaged) a shard a committed version names.
        var live = await host.LiveShardFilesAsync();
        Assert.Empty(live.Except(host.ZoneFiles()));
        Assert.Equal(0, (await host.FullPassAsync()).LastPass!.ShardsFound);

        foreach (var (key, seed) in acknowledged)
        {
            var got = await faults.GetAsync(key);
            Assert.True(Payload(Size(seed), seed).AsSpan().SequenceEqual(got), $"GET {key} is not its last acknowledged PUT");
        }
        Assert.Equal(Payload(10_000, 1), await faults.GetAsync("seed"));

        // Anything the load left behind (data of overwritten versions a pass was rebuilding) goes once past the grace period.
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        await host.FullPassAsync();
        Assert.Equal(live, host.ZoneFiles());
    }

    private static int Size(int seed) => 1 + (int)((long)seed * 7919 % (2 * MiB));

    /// <summary>Copies of a real shard under the name of data nothing owns, committed and temporary, last written an hour ago.</summary>
    private static string[] PlantOrphans(FaultHost faults, Storage.DataLayout layout)
    {
        var source = faults.ShardPath(layout, 0);
        var directory = Path.GetDirectoryName(source)!;
        var committed = Path.Combine(directory, "0190aaaabbbbccccddddeeeeffff0000.00.shard");
        var temporary = Path.Combine(directory, "0190aaaabbbbccccddddeeeeffff0001.03.0123456789abcdef0123456789abcdef.tmp");
        foreach (var path in new[] { committed, temporary })
        {
            File.Copy(source, path);
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-1));
        }
        return [committed, temporary];
    }
}
