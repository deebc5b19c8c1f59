using Azure;
using Azure.Data.Tables;
using ObjectStore.Index.Events;

namespace ObjectStore.Index.Tables;

public sealed partial class TableObjectIndex
{
    /// <summary>
    /// Rewrites one version's rows in one transaction. The latest version: its current row (under the
    /// current row's ETag) and its version row. An older version: its version row (under its ETag) plus
    /// a no-op merge of the current row under the current row's ETag, so a concurrent write that
    /// promotes or replaces versions of the key makes the transaction fail instead of leaving the
    /// current row naming data this change is about to delete.
    /// </summary>
    public async Task<ObjectWriteOutcome> UpdateVersionAsync(string bucket, string key, string versionId, string expectedDataLayout, string? expectedRestoreLayout,
        Func<ObjectRecord, ObjectRecord> change, CancellationToken cancellationToken, IReadOnlyList<ObjectEvent>? events = null,
        IReadOnlyList<string>? unreferencedLayouts = null)
    {
        ArgumentNullException.ThrowIfNull(change);
        var token = TokenOf(key);
        var (partitionKey, current) = await _locator.LocateAsync(bucket, key, token, forWrite: true, coalesced: false, cancellationToken).ConfigureAwait(false);
        if (current is null)
            return ObjectWriteOutcome.Failed(IndexWriteResult.NotFound);
        var isLatest = current.GetString("VersionId") == versionId;
        var target = isLatest ? current : await ReadVersionAsync(partitionKey, key, token, versionId, cancellationToken).ConfigureAwait(false);
        if (target is null)
            return ObjectWriteOutcome.Failed(IndexWriteResult.NotFound);

        var stored = EntityMapping.ToObjectRecord(target);
        if (stored.IsDeleteMarker)
            return ObjectWriteOutcome.Failed(IndexWriteResult.NotFound);
        if (stored.DataLayout != expectedDataLayout || stored.RestoreLayout != expectedRestoreLayout)
            return ObjectWriteOutcome.Failed(IndexWriteResult.ConditionFailed);

        var changed = change(stored);
        if (ReferenceEquals(changed, stored))
            return ObjectWriteOutcome.Failed(IndexWriteResult.ConditionFailed); // the caller decided against it: no write, no event
        if (changed.Key != stored.Key || changed.VersionId != stored.VersionId || changed.ETag != stored.ETag || changed.Size != stored.Size
            || !ObjectLocks.SameLock(changed, stored))
            throw new ArgumentException("A version update may change only its storage class, data layout, restore state, encryption key wrapping and ACL (never its Object Lock).", nameof(change));

        var stamp = isLatest ? EntityMapping.VersionRowOf(current) : target.RowKey[^VersionStamp.Length..];
        var actions = new List<TableTransactionAction>();
        if (isLatest)
        {
            actions.Add(new(TableTransactionActionType.UpdateReplace, stamp is null ? EntityMapping.ToEntity(changed, current.RowKey) : EntityMapping.ToEntity(changed, current.RowKey, stamp), current.ETag));
            if (stamp is not null)
                actions.Add(new(TableTransactionActionType.UpdateReplace, EntityMapping.ToEntity(changed, EntityMapping.VersionRowKey(token, stamp), stamp), ETag.All));
        }
        else
        {
            actions.Add(new(TableTransactionActionType.UpdateReplace, EntityMapping.ToEntity(changed, target.RowKey, stamp!), target.ETag));
            actions.Add(new(TableTransactionActionType.UpdateMerge, new TableEntity(partitionKey, current.RowKey) { ["VersionId"] = current.GetString("VersionId") }, current.ETag));
        }
        foreach (var layout in (unreferencedLayouts ?? []).Distinct(StringComparer.Ordinal))
        {
            // Only what the change really stopped naming: a layout the record still holds stays live.
            if (layout != changed.DataLayout && layout != changed.RestoreLayout && (layout == stored.DataLayout || layout == stored.RestoreLayout))
                AddDeletionRow(actions, bucket, key, versionId, layout, stored.Size);
        }
        var recorded = AddOutboxRows(actions, events, partitionKey, key, changed, changed.VersionId == VersionIds.Null ? null : changed.VersionId, SequencerTicks(current));
        return await TrySubmitAsync(actions, partitionKey, cancellationToken).ConfigureAwait(false)
            ? new ObjectWriteOutcome(IndexWriteResult.Success, changed with { ConcurrencyToken = null }, []) { Events = recorded }
            : ObjectWriteOutcome.Failed(IndexWriteResult.ConditionFailed);
    }
}
