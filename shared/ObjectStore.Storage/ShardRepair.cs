using Microsoft.Extensions.Logging;
using ObjectStore.Erasure;

namespace ObjectStore.Storage;

/// <summary>
/// Verify and rebuild for <see cref="ErasureObjectDataStore"/> (its <see cref="IShardMaintenance"/>, which
/// delegates here): checks every shard of a piece of data, rebuilds bad ones from the good ones into their
/// zones, and lists and collects shard files for orphan collection. Shares the store's zones, codecs and clock.
/// </summary>
internal sealed partial class ShardRepair(
    IReadOnlyList<IShardStore> zones,
    IReadOnlyDictionary<string, IShardStore> zonesByName,
    Func<int, int, IErasureCodec> codecFor,
    ILogger logger,
    TimeProvider time)
{
    private readonly IReadOnlyList<IShardStore> _zones = zones;
    private readonly IReadOnlyDictionary<string, IShardStore> _zonesByName = zonesByName;
    private readonly ILogger _logger = logger;
    private readonly TimeProvider _time = time;

    /// <summary>A shard first found corrupt while others were being rebuilt is rebuilt in another round; this caps the rounds.</summary>
    private const int MaxRepairRounds = 3;

    public IReadOnlyList<string> ZoneNames => [.. _zones.Select(z => z.Zone)];

    public Task<DataCheckResult> VerifyAndRepairAsync(DataLayout layout, DataCheckMode mode, CancellationToken cancellationToken) =>
        VerifyAndRepairAsync(layout, mode, storageClass: null, cancellationToken);

    public async Task<DataCheckResult> VerifyAndRepairAsync(DataLayout layout, DataCheckMode mode, string? storageClass, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var geometry = ShardGeometry.Of(layout);
        if (layout.ShardZones.Count != geometry.TotalShards)
            throw new ArgumentException(
                $"Layout of data {layout.DataId} names {layout.ShardZones.Count} zones for {layout.DataShards}+{layout.ParityShards} shards.", nameof(layout));
        if (layout.Length == 0)
            return new DataCheckResult(layout, mode, [], 0, Unreadable: false); // no shard files at all

        var shards = Enumerable.Range(0, geometry.TotalShards).Select(i => new RepairShard(i, layout.ShardZones[i])).ToArray();
        try
        {
            await Task.WhenAll(shards.Select(s => OpenForCheckAsync(layout, geometry, s, cancellationToken))).ConfigureAwait(false);
            long corruptBlocks = 0;
            var unreadable = false;
            var scan = mode == DataCheckMode.Full || shards.Any(s => s.Problem is not null);
            for (var round = 0; scan && round < MaxRepairRounds; round++)
            {
                await OpenRebuildWritersAsync(layout, storageClass, shards, cancellationToken).ConfigureAwait(false);
                var (corrupt, lost) = await ScanStripesAsync(layout, geometry, shards, cancellationToken).ConfigureAwait(false);
                corruptBlocks += corrupt;
                if (lost)
                {
                    unreadable = true;
                    break;
                }
                await CommitRebuiltAsync(layout, geometry, shards, cancellationToken).ConfigureAwait(false);
                // A shard whose blocks first failed in this round was read, not rebuilt: one more round for it.
                scan = shards.Any(NeedsRebuild);
            }
            return new DataCheckResult(layout, mode,
                shards.Where(s => s.Problem is not null).Select(s => new ShardFinding(s.Index, s.Zone, s.Problem!.Value, s.Repaired)).ToArray(),
                corruptBlocks, unreadable);
        }
        finally
        {
            foreach (var shard in shards)
                await shard.CloseAsync().ConfigureAwait(false);
        }
    }

    public IAsyncEnumerable<ShardEntry> ListShardsAsync(string zone, CancellationToken cancellationToken) =>
        ZoneNamed(zone).ListAsync(cancellationToken);

    public async Task<(ShardHeaderStatus Status, ShardHeader? Header)?> ReadEntryHeaderAsync(ShardEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var reader = await ZoneNamed(entry.Zone).OpenEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        if (reader is null)
            return null;
        await using (reader.ConfigureAwait(false))
            return await ShardHeader.ReadAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> DeleteEntryAsync(ShardEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return ZoneNamed(entry.Zone).DeleteEntryAsync(entry, cancellationToken);
    }

    private IErasureCodec CodecFor(int dataShards, int parityShards) => codecFor(dataShards, parityShards);

    /// <summary>The zone of shard <paramref name="shardIndex"/>, or null when the layout names a zone this store does not have.</summary>
    private IShardStore? ZoneOf(DataLayout layout, int shardIndex) =>
        _zonesByName.GetValueOrDefault(layout.ShardZones[shardIndex]);

    private IShardStore ZoneNamed(string zone) =>
        _zonesByName.TryGetValue(zone, out var store) ? store : throw new ArgumentException($"No zone named '{zone}'.", nameof(zone));

    private static bool NeedsRebuild(RepairShard shard) => shard.Problem is not null && !shard.Repaired && !shard.Unwritable;

    /// <summary>Opens a shard and checks its header and exact length; a shard that fails gets its problem and no reader.</summary>
    private async Task OpenForCheckAsync(DataLayout layout, ShardGeometry geometry, RepairShard shard, CancellationToken cancellationToken)
    {
        var zone = ZoneOf(layout, shard.Index);
        if (zone is null)
        {
            shard.Problem = ShardProblem.Missing;
            shard.Unwritable = true; // a zone this store does not have: nowhere to rebuild into
            return;
        }
        IShardReader? reader;
        try
        {
            reader = await zone.OpenReadAsync(new ShardId(layout.DataId, shard.Index), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            shard.Problem = ShardProblem.ReadError;
            StorageLog.RepairFoundBadShard(_logger, layout.DataId, shard.Index, shard.Zone, ShardProblem.ReadError, -1, e);
            return;
        }
        if (reader is null)
        {
            shard.Problem = ShardProblem.Missing;
            StorageLog.RepairFoundBadShard(_logger, layout.DataId, shard.Index, shard.Zone, ShardProblem.Missing, -1, null);
            return;
        }
        var (status, header) = await ShardHeader.ReadAsync(reader, cancellationToken).ConfigureAwait(false);
        ShardProblem? problem = status != ShardHeaderStatus.Valid || !header!.Matches(layout, shard.Index) ? ShardProblem.BadHeader
            : reader.Length != geometry.ShardFileLength ? ShardProblem.Truncated
            : null;
        if (problem is not null)
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            shard.Problem = problem;
            StorageLog.RepairFoundBadShard(_logger, layout.DataId, shard.Index, shard.Zone, problem.Value, -1, null);
            return;
        }
        shard.Reader = reader;
    }

    /// <summary>
    /// Starts a temporary shard in its zone for every shard to rebuild, created with the data's storage
    /// class as a write creates it (a Blob zone commits it in the class's access tier); a zone that refuses stays degraded.
    /// </summary>
    private async Task OpenRebuildWritersAsync(DataLayout layout, string? storageClass, RepairShard[] shards, CancellationToken cancellationToken)
    {
        foreach (var shard in shards.Where(NeedsRebuild))
        {
            try
            {
                shard.Writer = await ZoneOf(layout, shard.Index)!.CreateAsync(new ShardId(layout.DataId, shard.Index),
                    new ShardWriteOptions(storageClass, Parity: shard.Index >= layout.DataShards), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                shard.Unwritable = true;
                StorageLog.RepairWriteFailed(_logger, layout.DataId, shard.Index, shard.Zone, e);
            }
        }
    }

    /// <summary>Writes each rebuilt shard's final header, then flushes and renames it over whatever was there.</summary>
    private async Task CommitRebuiltAsync(DataLayout layout, ShardGeometry geometry, RepairShard[] shards, CancellationToken cancellationToken)
    {
        var created = _time.GetUtcNow();
        foreach (var shard in shards.Where(s => s.Writer is not null))
        {
            try
            {
                var header = new byte[ShardHeader.Size];
                new ShardHeader(layout.DataId, shard.Index, layout.DataShards, layout.ParityShards, layout.BlockSize, layout.Length, created)
                    .WriteTo(header);
                await shard.Writer!.WriteAsync(0, [header], cancellationToken).ConfigureAwait(false);
                await shard.Writer.CommitAsync(cancellationToken).ConfigureAwait(false);
                shard.Repaired = true;
                StorageLog.ShardRebuilt(_logger, layout.DataId, shard.Index, shard.Zone, shard.Problem!.Value);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                shard.Unwritable = true;
                StorageLog.RepairWriteFailed(_logger, layout.DataId, shard.Index, shard.Zone, e);
            }
            await shard.DisposeWriterAsync().ConfigureAwait(false);
            if (shard.Repaired)
            {
                // Later rounds read the rebuilt shard like any good one.
                var problem = shard.Problem;
                await OpenForCheckAsync(layout, geometry, shard, cancellationToken).ConfigureAwait(false);
                if (shard.Reader is null)
                    shard.Repaired = false;
                shard.Problem = problem;
            }
        }
    }
}
