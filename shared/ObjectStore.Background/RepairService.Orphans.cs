using Microsoft.Extensions.Logging;
using ObjectStore.Index;
using ObjectStore.Storage;

namespace ObjectStore.Background;

public sealed partial class RepairService
{
    /// <summary>
    /// Removes shard files no index entry owns. Candidates first: every file of every zone not
    /// written for the grace period (a write in flight touches its files at least once per stripe;
    /// a committed shard is renamed right after its last write and its index row follows at once).
    /// Then the re-check: a walk of the index, started after the candidates were chosen, collects
    /// the layouts naming a candidate's data. What is removed:
    /// <list type="bullet">
    /// <item>temporary files (a write or rebuild that died; a live one would have been written within the grace period);</item>
    /// <item>committed shards whose data no part or version row and no pending deletion names (crash between shard commit and index commit, a delete whose data removal failed, a rebuild of data deleted meanwhile);</item>
    /// <item>committed shards of live data in a zone or index its layout does not give them (misplaced).</item>
    /// </list>
    /// Memory: the candidates (at most <see cref="RepairOptions.MaxOrphanCandidates"/>) and the layouts of those found live.
    /// </summary>
    private async Task CollectOrphansAsync(PassRun run, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.OrphanGracePeriod;
        var candidates = new List<ShardEntry>();
        foreach (var zone in _shards.ZoneNames)
        {
            try
            {
                await foreach (var entry in _shards.ListShardsAsync(zone, cancellationToken).ConfigureAwait(false))
                {
                    if (entry.Id is null || entry.LastModified > cutoff)
                        continue;
                    candidates.Add(entry);
                    if (candidates.Count >= options.MaxOrphanCandidates)
                        break;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogZoneNotListed(e, zone); // unavailable: its orphans wait for the zone to come back
            }
            if (candidates.Count >= options.MaxOrphanCandidates)
                break;
        }
        if (candidates.Count == 0)
            return;

        var committed = candidates.Where(c => !c.IsTemporary).Select(c => c.Id!.Value.DataId).ToHashSet(StringComparer.Ordinal);
        var live = committed.Count == 0
            ? new Dictionary<string, DataLayout>()
            : await FindLiveLayoutsAsync(committed, cancellationToken).ConfigureAwait(false);

        foreach (var entry in candidates)
        {
            var id = entry.Id!.Value;
            if (!entry.IsTemporary && live.TryGetValue(id.DataId, out var layout)
                && id.ShardIndex < layout.ShardZones.Count && layout.ShardZones[id.ShardIndex] == entry.Zone)
                continue; // a live shard where its layout puts it
            bool removed;
            try
            {
                removed = await _shards.DeleteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogOrphanNotRemoved(e, entry.Zone, entry.Name);
                continue;
            }
            if (!removed)
                continue;
            metrics.OrphanRemoved();
            LogOrphanRemoved(entry.Zone, entry.Name, entry.Length, entry.LastModified);
            lock (run.SummaryLock)
            {
                run.Summary.OrphansRemoved++;
                run.Summary.OrphanBytesRemoved += entry.Length;
            }
        }
    }

    /// <summary>
    /// Every layout of a part or version row, or of a pending deletion, whose data id is one of
    /// <paramref name="dataIds"/>: data waiting for its grace period is owned until it is collected. Deleted
    /// buckets still holding pending deletions are walked too (their multipart objects' part rows).
    /// </summary>
    private async Task<Dictionary<string, DataLayout>> FindLiveLayoutsAsync(HashSet<string> dataIds, CancellationToken cancellationToken)
    {
        var live = new Dictionary<string, DataLayout>(StringComparer.Ordinal);
        void Consider(string serialized)
        {
            if (serialized.StartsWith(MultipartLayoutPrefix, StringComparison.Ordinal) || InlineLayout.IsInline(serialized))
                return; // its parts are part rows; inline data has no shards
            try
            {
                var layout = DataLayout.Parse(serialized);
                if (dataIds.Contains(layout.DataId))
                    live[layout.DataId] = layout;
            }
            catch (FormatException)
            {
                // Logged by the walk; an unknown layout cannot vouch for a file.
            }
        }

        var (buckets, retired) = await BucketsToCollectAsync(cancellationToken).ConfigureAwait(false);
        foreach (var bucket in buckets.Concat(retired))
        {
            string? position = null;
            do
            {
                var page = await index.ListDataRowsAsync(bucket, position, 1000, cancellationToken).ConfigureAwait(false);
                foreach (var row in page.Rows)
                    Consider(row.DataLayout);
                position = page.NextAfter;
            }
            while (position is not null);
            do
            {
                var page = await index.ListDataDeletionsAsync(bucket, position, DeletionPageSize, cancellationToken).ConfigureAwait(false);
                foreach (var deletion in page.Deletions)
                    Consider(deletion.DataLayout);
                position = page.NextAfter;
            }
            while (position is not null);
        }
        return live;
    }

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Removed orphan {Zone}/{Name} ({Bytes} bytes, last written {LastModified:O})")]
    private partial void LogOrphanRemoved(string zone, string name, long bytes, DateTimeOffset lastModified);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Could not remove orphan {Zone}/{Name}")]
    private partial void LogOrphanNotRemoved(Exception e, string zone, string name);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning, Message = "Orphan collection skipped zone {Zone}: it cannot be listed")]
    private partial void LogZoneNotListed(Exception e, string zone);
}
