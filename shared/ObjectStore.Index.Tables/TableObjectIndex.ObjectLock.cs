using Azure;
using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

public sealed partial class TableObjectIndex
{
    /// <summary>
    /// Rewrites one version's lock in one transaction, as <see cref="UpdateVersionAsync"/> rewrites its data:
    /// the latest version's current row (under its ETag) and version row; an older version's row (under its
    /// ETag) with a touch of the current row. The rule is judged on the row read, and the transaction holds
    /// only if that row is unchanged at commit; a lost race re-reads and judges again.
    /// </summary>
    public async Task<ObjectWriteOutcome> UpdateObjectLockAsync(string bucket, string key, string? versionId, ObjectLockChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var token = TokenOf(key);
        for (var attempt = 0; attempt < MaxRaceRetries; attempt++)
        {
            var (partitionKey, current) = await _locator.LocateAsync(bucket, key, token, forWrite: true, coalesced: false, cancellationToken).ConfigureAwait(false);
            if (current is null)
                return ObjectWriteOutcome.Failed(IndexWriteResult.NotFound);
            var isLatest = versionId is null || current.GetString("VersionId") == versionId;
            var target = isLatest ? current : await ReadVersionAsync(partitionKey, key, token, versionId!, cancellationToken).ConfigureAwait(false);
            if (target is null || EntityMapping.IsDeleteMarker(target))
                return ObjectWriteOutcome.Failed(IndexWriteResult.NotFound);
            var stored = EntityMapping.ToObjectRecord(target);
            if (!ObjectLocks.MayApply(stored, change, _time.GetUtcNow()))
                return ObjectWriteOutcome.Failed(IndexWriteResult.Locked);
            var changed = ObjectLocks.Apply(stored, change) with { ConcurrencyToken = null };

            var actions = new List<TableTransactionAction>();
            if (isLatest)
            {
                var stamp = EntityMapping.VersionRowOf(current);
                actions.Add(new(TableTransactionActionType.UpdateReplace,
                    stamp is null ? EntityMapping.ToEntity(changed, current.RowKey) : EntityMapping.ToEntity(changed, current.RowKey, stamp), current.ETag));
                if (stamp is not null)
                    actions.Add(new(TableTransactionActionType.UpdateReplace, EntityMapping.ToEntity(changed, EntityMapping.VersionRowKey(token, stamp), stamp), ETag.All));
            }
            else
            {
                actions.Add(new(TableTransactionActionType.UpdateReplace, EntityMapping.ToEntity(changed, target.RowKey, target.RowKey[^VersionStamp.Length..]), target.ETag));
                actions.Add(new(TableTransactionActionType.UpdateMerge, new TableEntity(partitionKey, current.RowKey) { ["VersionId"] = current.GetString("VersionId") }, current.ETag));
            }
            if (await TrySubmitAsync(actions, partitionKey, cancellationToken).ConfigureAwait(false))
                return new ObjectWriteOutcome(IndexWriteResult.Success, changed, []);
        }
        throw new InvalidOperationException($"Key '{key}' in '{bucket}' changed {MaxRaceRetries} times while changing its lock.");
    }
}
