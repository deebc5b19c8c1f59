namespace ObjectStore.Storage;

/// <summary>The repair service's view of the store: verify and rebuild, list and collect shard files (<see cref="ShardRepair"/>).</summary>
public sealed partial class ErasureObjectDataStore : IShardMaintenance
{
    public IReadOnlyList<string> ZoneNames => _repair.ZoneNames;

    public Task<DataCheckResult> VerifyAndRepairAsync(DataLayout layout, DataCheckMode mode, CancellationToken cancellationToken) =>
        _repair.VerifyAndRepairAsync(layout, mode, cancellationToken);

    public Task<DataCheckResult> VerifyAndRepairAsync(DataLayout layout, DataCheckMode mode, string? storageClass, CancellationToken cancellationToken) =>
        _repair.VerifyAndRepairAsync(layout, mode, storageClass, cancellationToken);

    public IAsyncEnumerable<ShardEntry> ListShardsAsync(string zone, CancellationToken cancellationToken) =>
        _repair.ListShardsAsync(zone, cancellationToken);

    public Task<(ShardHeaderStatus Status, ShardHeader? Header)?> ReadEntryHeaderAsync(ShardEntry entry, CancellationToken cancellationToken) =>
        _repair.ReadEntryHeaderAsync(entry, cancellationToken);

    public Task<bool> DeleteEntryAsync(ShardEntry entry, CancellationToken cancellationToken) =>
        _repair.DeleteEntryAsync(entry, cancellationToken);
}
