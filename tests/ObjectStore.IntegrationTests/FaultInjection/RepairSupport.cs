using Microsoft.Extensions.DependencyInjection;
using ObjectStore.Background;
using ObjectStore.Index;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.Storage;
using ObjectStore.Storage.Disk;

namespace ObjectStore.IntegrationTests.FaultInjection;

/// <summary>Running repair passes on a test's own host and comparing the zones with what the index owns.</summary>
internal static class RepairSupport
{
    /// <summary>The repair settings as an operator sets them (README "Repair").</summary>
    public static Dictionary<string, string?> Settings(string? verifyFraction = null, string? orphanGrace = null, string? batchSize = null,
        string? maxPassDuration = null) =>
        new()
        {
            ["OBJECTSTORE_REPAIR_VERIFY_FRACTION"] = verifyFraction,
            ["OBJECTSTORE_REPAIR_ORPHAN_GRACE"] = orphanGrace,
            ["OBJECTSTORE_REPAIR_BATCH_SIZE"] = batchSize,
            ["OBJECTSTORE_REPAIR_MAX_PASS_DURATION"] = maxPassDuration,
            [ShardBackedSetting.Name] = ShardBackedSetting.Off, // these tests damage and repair shards of small objects
        };

    public static RepairService Repair(this LocalHostInstance host) => host.Services.GetRequiredService<RepairService>();

    /// <summary>Runs one pass that must take the lease and reach its end; returns the report after it.</summary>
    public static async Task<RepairReport> FullPassAsync(this LocalHostInstance host)
    {
        var outcome = await host.Repair().RunPassAsync(CancellationToken.None);
        Assert.True(outcome.Ran, "the pass did not get its lease");
        Assert.True(outcome.Completed, "the pass stopped before its end");
        Assert.NotNull(outcome.Report.LastPass);
        return outcome.Report;
    }

    /// <summary>Every file under the zone directories (relative to the data directory).</summary>
    public static SortedSet<string> ZoneFiles(this LocalHostInstance host)
    {
        var root = Path.Combine(host.DataDirectory, "zones");
        return new SortedSet<string>(
            Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(host.DataDirectory, f)),
            StringComparer.Ordinal);
    }

    /// <summary>
    /// The shard files the index owns: every shard of every part and version row's own data (not the
    /// multipart object rows, whose parts are part rows), and of data pending deletion, where its layout
    /// places it.
    /// </summary>
    public static async Task<SortedSet<string>> LiveShardFilesAsync(this LocalHostInstance host)
    {
        var index = host.Services.GetRequiredService<IObjectIndex>();
        var store = (ErasureObjectDataStore)host.Services.GetRequiredService<IObjectDataStore>();
        var live = new SortedSet<string>(StringComparer.Ordinal);
        void AddShards(DataLayout layout)
        {
            if (layout.Length == 0)
                return;
            for (var i = 0; i < layout.ShardZones.Count; i++)
            {
                var zone = (DiskShardStore)MeteredShardStore.Unwrap(store.Zones.Single(z => z.Zone == layout.ShardZones[i]));
                live.Add(Path.GetRelativePath(host.DataDirectory, zone.ShardPath(new ShardId(layout.DataId, i))));
            }
        }
        await foreach (var bucket in index.ListBucketsAsync(CancellationToken.None))
        {
            string? position = null;
            do
            {
                var page = await index.ListDataRowsAsync(bucket.Name, position, 500, CancellationToken.None);
                foreach (var row in page.Rows.Where(r => !r.DataLayout.StartsWith("mp1;", StringComparison.Ordinal)))
                    AddShards(DataLayout.Parse(row.DataLayout));
                position = page.NextAfter;
            }
            while (position is not null);
            do
            {
                var page = await index.ListDataDeletionsAsync(bucket.Name, position, 500, CancellationToken.None);
                foreach (var deletion in page.Deletions.Where(d => !d.DataLayout.StartsWith("mp1;", StringComparison.Ordinal)))
                    AddShards(DataLayout.Parse(deletion.DataLayout));
                position = page.NextAfter;
            }
            while (position is not null);
        }
        return live;
    }

    /// <summary>Pieces of data the last pass counted, whatever their state.</summary>
    public static long Checked(this RepairReport report) => report.LastPass!.Checked.Objects;
}
