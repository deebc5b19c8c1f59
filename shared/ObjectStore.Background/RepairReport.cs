using ObjectStore.Storage;

namespace ObjectStore.Background;

/// <summary>The health report (admin API <c>repair/report</c>, command <c>repair report</c>).</summary>
/// <param name="LastFullPassAt">When a pass last walked every object and part to the end.</param>
/// <param name="OldestUnrepairedDamage">When damage that is still not repaired was first found; null when none is known.</param>
/// <param name="LastPass">The last completed pass.</param>
/// <param name="CurrentPass">The pass in progress (resumes from its cursor), if any.</param>
/// <param name="Cursor">Where the pass in progress stands.</param>
public sealed record RepairReport(
    DateTimeOffset? LastFullPassAt,
    DateTimeOffset? OldestUnrepairedDamage,
    RepairPassSummary? LastPass,
    RepairPassSummary? CurrentPass,
    string? Cursor)
{
    /// <summary>Data waiting for its grace period to end, as the last run under the lease counted it; null before any run.</summary>
    public PendingDeletions? PendingDeletions { get; init; }
}

/// <summary>Pending data deletions (docs/repair.md, "Deferred deletion").</summary>
/// <param name="Count">Records left after the run (not yet due, over the run's budget, or failed).</param>
/// <param name="Bytes">Object bytes they hold.</param>
/// <param name="OldestDueAt">When the oldest of them is due (its unreference time + the grace period); null when none.</param>
/// <param name="CountedAt">When the run counted them.</param>
public sealed record PendingDeletions(long Count, long Bytes, DateTimeOffset? OldestDueAt, DateTimeOffset CountedAt);

/// <summary>What one pass found and did. Mutable while the pass runs (under its lock), persisted as JSON between invocations.</summary>
public sealed partial class RepairPassSummary
{
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    /// <summary>Pass number (rotates which data gets the full verify).</summary>
    public long Number { get; set; }

    /// <summary>Pieces of data checked: object versions with data of their own, and multipart parts.</summary>
    public StateCount Checked { get; set; } = new();
    public StateCount Healthy { get; set; } = new();
    /// <summary>Degraded data by the number of shards still missing or bad after the pass ("1", "2" ...).</summary>
    public Dictionary<string, StateCount> DegradedByMissingShards { get; set; } = [];
    public StateCount Unreadable { get; set; } = new();
    /// <summary>Object versions whose data is a completed multipart upload (their parts are checked as parts).</summary>
    public long MultipartObjects { get; set; }
    public long Parts { get; set; }
    /// <summary>Data given the full block-checksum verify.</summary>
    public long FullyVerified { get; set; }

    public long ShardsFound { get; set; }
    public long ShardsRepaired { get; set; }
    /// <summary>Bytes of the shard files rebuilt (what the rebuilds wrote).</summary>
    public long ShardBytesRebuilt { get; set; }
    public long CorruptBlocks { get; set; }
    public long HealRequests { get; set; }
    public long OrphansRemoved { get; set; }
    public long OrphanBytesRemoved { get; set; }
    /// <summary>Pending deletions collected (data deleted after its grace period, then the record): pieces of data and object bytes.</summary>
    public StateCount DataDeleted { get; set; } = new();
    /// <summary>Per zone: shards checked, bad shards found, repaired, still bad.</summary>
    public Dictionary<string, ZoneCount> Zones { get; set; } = [];

    /// <summary>Data still degraded or unreadable after this pass.</summary>
    public long Unrepaired => Unreadable.Objects + DegradedByMissingShards.Values.Sum(c => c.Objects);

    internal void Add(DataCheckResult result, long bytes)
    {
        Checked.Add(bytes);
        if (result.Mode == DataCheckMode.Full)
            FullyVerified++;
        switch (result.Health)
        {
            case DataHealth.Healthy: Healthy.Add(bytes); break;
            case DataHealth.Unreadable: Unreadable.Add(bytes); break;
            default:
                var key = result.Unrepaired.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (!DegradedByMissingShards.TryGetValue(key, out var count))
                    DegradedByMissingShards[key] = count = new StateCount();
                count.Add(bytes);
                break;
        }
        var geometry = ShardGeometry.Of(result.Layout);
        for (var i = 0; result.Layout.Length > 0 && i < result.Layout.ShardZones.Count; i++)
            Zone(result.Layout.ShardZones[i]).Shards++;
        CountFindings(result);
        foreach (var finding in result.Findings.Where(f => !f.Repaired))
        {
            var zone = Zone(finding.Zone);
            zone.StillBad++;
            zone.StillBadBytes += result.Layout.Length == 0 ? 0 : geometry.ShardFileLength;
        }
    }

    /// <summary>Shards found bad and rebuilt, in all and per zone.</summary>
    private void CountFindings(DataCheckResult result)
    {
        ShardsFound += result.Findings.Count;
        ShardsRepaired += result.Repaired;
        ShardBytesRebuilt += result.Layout.Length == 0 ? 0 : result.Repaired * ShardGeometry.Of(result.Layout).ShardFileLength;
        CorruptBlocks += result.CorruptBlocks;
        foreach (var finding in result.Findings)
        {
            var zone = Zone(finding.Zone);
            zone.BadFound++;
            if (finding.Repaired) zone.Repaired++;
        }
    }

    private ZoneCount Zone(string zone)
    {
        if (!Zones.TryGetValue(zone, out var count))
            Zones[zone] = count = new ZoneCount();
        return count;
    }
}

public sealed class StateCount
{
    public long Objects { get; set; }
    public long Bytes { get; set; }

    internal void Add(long bytes)
    {
        Objects++;
        Bytes += bytes;
    }
}

public sealed class ZoneCount
{
    public long Shards { get; set; }
    public long BadFound { get; set; }
    public long Repaired { get; set; }
    public long StillBad { get; set; }
    public long StillBadBytes { get; set; }
}

/// <summary>What <c>repair/run</c> answers.</summary>
/// <param name="Ran">False when another instance holds the pass's lease.</param>
/// <param name="Completed">The walk and the orphan sweep reached their end (false: stopped at the time budget; resumes next time).</param>
/// <param name="Report">The report after the pass.</param>
public sealed record RepairPassOutcome(bool Ran, bool Completed, RepairReport Report);
