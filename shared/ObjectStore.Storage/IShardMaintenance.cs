namespace ObjectStore.Storage;

/// <summary>
/// What the repair service needs from the data plane beyond reads and writes: verify one piece of
/// stored data and rebuild its bad shards in place, and see and remove every shard file of a zone
/// (orphan collection). Implemented by <see cref="ErasureObjectDataStore"/>; it knows nothing of
/// the index, so deciding what is an orphan stays with the caller.
/// </summary>
public interface IShardMaintenance
{
    /// <summary>The zone names, in placement order.</summary>
    IReadOnlyList<string> ZoneNames { get; }

    /// <summary>
    /// Checks every shard of <paramref name="layout"/> (present, header naming this data and shard,
    /// exact length; with <see cref="DataCheckMode.Full"/> also every block's checksum) and rebuilds
    /// each bad one from k good shards, stripe by stripe, into its zone (temporary name, flush,
    /// rename). A zone that cannot be written leaves its shard unrepaired (reported, retried next
    /// time). Never throws for bad or missing shards; memory is one stripe of all shards.
    /// </summary>
    Task<DataCheckResult> VerifyAndRepairAsync(DataLayout layout, DataCheckMode mode, CancellationToken cancellationToken) =>
        VerifyAndRepairAsync(layout, mode, storageClass: null, cancellationToken);

    /// <summary>
    /// As above, with the data's S3 storage class (the layout does not record it): a rebuilt shard
    /// is created with it, as a write creates its shards, so a Blob zone gives it the class's access
    /// tier. Null: the zone's default, as for data of unknown class.
    /// </summary>
    Task<DataCheckResult> VerifyAndRepairAsync(DataLayout layout, DataCheckMode mode, string? storageClass, CancellationToken cancellationToken);

    /// <summary>Every shard file of the zone (committed and temporary); throws when the zone is unavailable.</summary>
    IAsyncEnumerable<ShardEntry> ListShardsAsync(string zone, CancellationToken cancellationToken);

    /// <summary>Reads the header of a listed file (a temporary one too); null status when the file is gone.</summary>
    Task<(ShardHeaderStatus Status, ShardHeader? Header)?> ReadEntryHeaderAsync(ShardEntry entry, CancellationToken cancellationToken);

    /// <summary>Deletes a listed file; false when it was already gone.</summary>
    Task<bool> DeleteEntryAsync(ShardEntry entry, CancellationToken cancellationToken);
}

public enum DataCheckMode
{
    /// <summary>Presence, header and length of every shard; blocks are read only to rebuild.</summary>
    Quick,
    /// <summary>Also every block's checksum in every shard.</summary>
    Full,
}

/// <summary>One bad shard a check found.</summary>
/// <param name="ShardIndex">The shard.</param>
/// <param name="Zone">Its zone.</param>
/// <param name="Problem">What was wrong.</param>
/// <param name="Repaired">True when a rebuilt shard was committed in its place.</param>
public sealed record ShardFinding(int ShardIndex, string Zone, ShardProblem Problem, bool Repaired);

/// <param name="Layout">The data checked.</param>
/// <param name="Mode">How deeply.</param>
/// <param name="Findings">Each bad shard found, once.</param>
/// <param name="CorruptBlocks">Blocks whose checksum failed (in shards whose header was good).</param>
/// <param name="Unreadable">Some stripe has fewer than k good blocks: nothing could be rebuilt.</param>
public sealed record DataCheckResult(DataLayout Layout, DataCheckMode Mode, IReadOnlyList<ShardFinding> Findings, long CorruptBlocks, bool Unreadable)
{
    public int Repaired => Findings.Count(f => f.Repaired);

    /// <summary>Shards still bad after the check (0 when healthy now).</summary>
    public int Unrepaired => Findings.Count(f => !f.Repaired);

    public DataHealth Health => Unreadable ? DataHealth.Unreadable : Unrepaired > 0 ? DataHealth.Degraded : DataHealth.Healthy;
}

public enum DataHealth
{
    Healthy,
    /// <summary>Readable, with fewer than k+m good shards.</summary>
    Degraded,
    /// <summary>Some stripe cannot be rebuilt.</summary>
    Unreadable,
}
