using System.Text;
using Azure;
using Azure.Data.Tables;
using ObjectStore.Index.Events;

namespace ObjectStore.Index.Tables;

/// <summary>
/// Writes. Every key has a current row ("o", a copy of its latest version, delete markers included)
/// and one version row ("v") per version. A write reads the current row, then commits the current
/// row (conditioned on its Table ETag, or insert-only when there was none) together with the
/// version rows it adds or removes in one entity-group transaction: a concurrent writer makes one
/// of the two fail with 412/409, and the loser re-reads and retries (or, under a write condition,
/// reports ConditionFailed).
/// </summary>
public sealed partial class TableObjectIndex
{
    public async Task<ObjectRecord?> GetObjectAsync(string bucket, string key, string? versionId, CancellationToken cancellationToken)
    {
        var token = TokenOf(key);
        var (partitionKey, current) = await _locator.LocateAsync(bucket, key, token, cancellationToken).ConfigureAwait(false);
        if (versionId is null || (current is not null && current.GetString("VersionId") == versionId))
            return current is null ? null : EntityMapping.ToObjectRecord(current);
        var version = await ReadVersionAsync(partitionKey, key, token, versionId, cancellationToken).ConfigureAwait(false);
        return version is null ? null : EntityMapping.ToObjectRecord(version);
    }

    public async Task<ObjectWriteOutcome> PutObjectAsync(ObjectRecord record, WriteCondition condition, BucketVersioning versioning, CancellationToken cancellationToken,
        IReadOnlyList<ObjectEvent>? events = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var token = TokenOf(record.Key);

        // Most writes create a key: try the insert alone first (one round trip instead of read, then
        // write). A key without a current row has no versions at all, so nothing else can be at stake;
        // an existing key answers 409 and takes the read-compare-write path below.
        // A key a split is moving takes the path below, which finds where it is first.
        if (condition.Kind is not (WriteConditionKind.ETagMatches or WriteConditionKind.RowUnchanged)
            && await _locator.RouteAsync(record.Bucket, record.Key, cancellationToken).ConfigureAwait(false) is { IsMoving: false } route)
        {
            var (committed, actions, recorded) = NewLatest(record, token, versioning, current: null, events, route.Home);
            if (await TrySubmitAsync(actions, route.Home, cancellationToken).ConfigureAwait(false))
                return new ObjectWriteOutcome(IndexWriteResult.Success, committed, []) { Events = recorded };
        }

        for (var attempt = 0; attempt < MaxRaceRetries; attempt++)
        {
            var (partitionKey, current) = await _locator.LocateAsync(record.Bucket, record.Key, token, forWrite: true, coalesced: false, cancellationToken).ConfigureAwait(false);
            var failed = CheckCondition(current, condition);
            if (failed is not null)
                return ObjectWriteOutcome.Failed(failed.Value);

            var (committed, actions, recorded) = NewLatest(record, token, versioning, current, events, partitionKey);
            var removed = new List<ObjectRecord>();
            if (versioning != BucketVersioning.Enabled
                && !await ReplaceNullVersionAsync(actions, removed, partitionKey, record.Key, token, current, cancellationToken).ConfigureAwait(false))
                return ObjectWriteOutcome.Failed(IndexWriteResult.Locked);
            AddDeletionRows(actions, removed, keptLayout: record.DataLayout);

            if (await TrySubmitAsync(actions, partitionKey, cancellationToken).ConfigureAwait(false))
                return new ObjectWriteOutcome(IndexWriteResult.Success, committed, removed) { Events = recorded };
            // Lost a race. A condition was about the state we read, which is gone now.
            if (condition.Kind != WriteConditionKind.None)
                return ObjectWriteOutcome.Failed(IndexWriteResult.ConditionFailed);
        }
        throw new InvalidOperationException($"Key '{record.Key}' in '{record.Bucket}' changed {MaxRaceRetries} times while writing it.");
    }

    /// <summary>
    /// The record as it will be committed (a new stamp, its version id), the actions that make it the
    /// latest version, and the outbox rows of <paramref name="events"/> that join them.
    /// </summary>
    private (ObjectRecord Committed, List<TableTransactionAction> Actions, List<OutboxEvent> Recorded) NewLatest(ObjectRecord record, string token,
        BucketVersioning versioning, TableEntity? current, IReadOnlyList<ObjectEvent>? events, string partitionKey)
    {
        var stamp = VersionStamp.Next(_time.GetUtcNow(), current is null ? null : EntityMapping.VersionRowOf(current));
        var committed = record with
        {
            VersionId = versioning == BucketVersioning.Enabled ? stamp : VersionIds.Null,
            ConcurrencyToken = null,
        };
        var actions = new List<TableTransactionAction>();
        AddLatest(actions, committed, token, stamp, current);
        VersionStamp.TryGetTicks(stamp, out var ticks);
        var recorded = AddOutboxRows(actions, events, partitionKey, record.Key, committed, EventVersionId(committed, versioning), ticks);
        return (committed, actions, recorded);
    }

    public async Task<ObjectWriteOutcome> DeleteObjectAsync(string bucket, string key, string? versionId, WriteCondition condition, BucketVersioning versioning, CancellationToken cancellationToken,
        IReadOnlyList<ObjectEvent>? events = null, bool bypassGovernance = false)
    {
        var token = TokenOf(key);
        for (var attempt = 0; attempt < MaxRaceRetries; attempt++)
        {
            // Concurrent deletes of one partition (a DeleteObjects) share their reads: TableReadCoalescer.
            var (partitionKey, current) = await _locator.LocateAsync(bucket, key, token, forWrite: true, coalesced: true, cancellationToken).ConfigureAwait(false);
            var outcome = versionId is not null
                ? await TryDeleteVersionAsync(partitionKey, key, token, versionId, current, condition, events, bypassGovernance, cancellationToken).ConfigureAwait(false)
                : versioning == BucketVersioning.Unversioned
                    ? await TryRemoveKeyAsync(key, token, current, condition, events, cancellationToken).ConfigureAwait(false)
                    : await TryAddDeleteMarkerAsync(partitionKey, key, token, current, condition, versioning, events, cancellationToken).ConfigureAwait(false);
            if (outcome is not null)
                return outcome;
            if (condition.Kind != WriteConditionKind.None)
                return ObjectWriteOutcome.Failed(IndexWriteResult.ConditionFailed);
        }
        throw new InvalidOperationException($"Key '{key}' in '{bucket}' changed {MaxRaceRetries} times while deleting it.");
    }

    /// <summary>Unversioned delete: the current row and its version row go; null when a race was lost.</summary>
    private async Task<ObjectWriteOutcome?> TryRemoveKeyAsync(string key, string token, TableEntity? current, WriteCondition condition,
        IReadOnlyList<ObjectEvent>? events, CancellationToken cancellationToken)
    {
        if (current is null)
            return ObjectWriteOutcome.Failed(IndexWriteResult.NotFound);
        if (CheckCondition(current, condition) is { } failed)
            return ObjectWriteOutcome.Failed(failed);
        if (ObjectLocks.Holds(EntityMapping.ToObjectRecord(current), _time.GetUtcNow()))
            return ObjectWriteOutcome.Failed(IndexWriteResult.Locked);
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Delete, current, current.ETag) };
        if (EntityMapping.VersionRowOf(current) is { } stamp)
            actions.Add(new(TableTransactionActionType.Delete, new TableEntity(current.PartitionKey, EntityMapping.VersionRowKey(token, stamp)), ETag.All));
        var removed = EntityMapping.ToObjectRecord(current);
        AddDeletionRows(actions, [removed]);
        var recorded = AddOutboxRows(actions, events, current.PartitionKey, key, null, null, SequencerTicks(current));
        return await TrySubmitAsync(actions, current.PartitionKey, cancellationToken).ConfigureAwait(false)
            ? new ObjectWriteOutcome(IndexWriteResult.Success, null, [removed]) { Events = recorded }
            : null;
    }

    /// <summary>Versioned delete without a version id: a delete marker becomes the latest version.</summary>
    private async Task<ObjectWriteOutcome?> TryAddDeleteMarkerAsync(string partitionKey, string key, string token, TableEntity? current, WriteCondition condition,
        BucketVersioning versioning, IReadOnlyList<ObjectEvent>? events, CancellationToken cancellationToken)
    {
        var bucket = IndexPartitions.BucketOf(partitionKey);
        if (CheckCondition(current, condition) is { } failed)
            return ObjectWriteOutcome.Failed(failed);
        var now = _time.GetUtcNow();
        var stamp = VersionStamp.Next(now, current is null ? null : EntityMapping.VersionRowOf(current));
        var marker = new ObjectRecord(bucket, key, versioning == BucketVersioning.Enabled ? stamp : VersionIds.Null, 0, "", now, "STANDARD", "")
        {
            IsDeleteMarker = true,
            Owner = current?.GetString("Owner") ?? "",
        };
        var actions = new List<TableTransactionAction>();
        AddLatest(actions, marker, token, stamp, current);
        var removed = new List<ObjectRecord>();
        if (versioning == BucketVersioning.Suspended
            && !await ReplaceNullVersionAsync(actions, removed, partitionKey, key, token, current, cancellationToken).ConfigureAwait(false))
            return ObjectWriteOutcome.Failed(IndexWriteResult.Locked);
        AddDeletionRows(actions, removed);
        VersionStamp.TryGetTicks(stamp, out var ticks);
        var recorded = AddOutboxRows(actions, events, partitionKey, key, marker, marker.VersionId, ticks);
        return await TrySubmitAsync(actions, partitionKey, cancellationToken).ConfigureAwait(false)
            ? new ObjectWriteOutcome(IndexWriteResult.Success, marker, removed) { Events = recorded }
            : null;
    }

    /// <summary>Removes one version; when it was the latest, the next newer one becomes the current row.</summary>
    private async Task<ObjectWriteOutcome?> TryDeleteVersionAsync(string partitionKey, string key, string token, string versionId, TableEntity? current,
        WriteCondition condition, IReadOnlyList<ObjectEvent>? events, bool bypassGovernance, CancellationToken cancellationToken)
    {
        var isLatest = current is not null && current.GetString("VersionId") == versionId;
        var target = isLatest ? current : await ReadVersionAsync(partitionKey, key, token, versionId, cancellationToken).ConfigureAwait(false);
        if (target is null)
            return ObjectWriteOutcome.Failed(IndexWriteResult.NotFound);
        if (CheckCondition(target, condition) is { } failed)
            return ObjectWriteOutcome.Failed(failed);
        // Judged on the row the transaction is conditioned on (the current row's ETag for the latest version, the
        // version row's own otherwise; a lock change rewrites both), so a concurrent PutObjectRetention makes it re-read.
        if (ObjectLocks.Holds(EntityMapping.ToObjectRecord(target), _time.GetUtcNow(), bypassGovernance))
            return ObjectWriteOutcome.Failed(IndexWriteResult.Locked);

        var targetRowKey = isLatest
            ? EntityMapping.VersionRowOf(current!) is { } stamp ? EntityMapping.VersionRowKey(token, stamp) : null
            : target.RowKey;
        var actions = new List<TableTransactionAction>();
        if (targetRowKey is not null)
            actions.Add(new(TableTransactionActionType.Delete, new TableEntity(partitionKey, targetRowKey), isLatest ? ETag.All : target.ETag));
        if (!isLatest && current is not null)
        {
            // An empty merge changes nothing but the current row's ETag: every version delete of a key
            // commits against that row, so one racing to promote the version deleted here fails and re-reads.
            actions.Add(new(TableTransactionActionType.UpdateMerge, new TableEntity(partitionKey, current.RowKey), current.ETag));
        }
        if (isLatest)
        {
            var next = await NewestVersionExceptAsync(partitionKey, token, targetRowKey, cancellationToken).ConfigureAwait(false);
            if (next is null)
            {
                actions.Add(new(TableTransactionActionType.Delete, current!, current!.ETag));
            }
            else
            {
                var promoted = EntityMapping.ToEntity(EntityMapping.ToObjectRecord(next), EntityMapping.ObjectRowKey(token), next.RowKey[^VersionStamp.Length..]);
                actions.Add(new(TableTransactionActionType.UpdateReplace, promoted, current!.ETag));
            }
        }
        var removedVersion = EntityMapping.ToObjectRecord(target);
        AddDeletionRows(actions, [removedVersion]);
        var recorded = AddOutboxRows(actions, events, partitionKey, key, null, versionId, SequencerTicks(current));
        return await TrySubmitAsync(actions, partitionKey, cancellationToken).ConfigureAwait(false)
            ? new ObjectWriteOutcome(IndexWriteResult.Success, null, [removedVersion]) { Events = recorded }
            : null;
    }

    public async Task<ObjectWriteOutcome> UpdateTagsAsync(string bucket, string key, string? versionId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken,
        IReadOnlyList<ObjectEvent>? events = null)
    {
        var token = TokenOf(key);
        for (var attempt = 0; attempt < MaxRaceRetries; attempt++)
        {
            var (partitionKey, current) = await _locator.LocateAsync(bucket, key, token, forWrite: true, coalesced: false, cancellationToken).ConfigureAwait(false);
            var isLatest = current is not null && (versionId is null || current.GetString("VersionId") == versionId);
            var target = isLatest || versionId is null ? current : await ReadVersionAsync(partitionKey, key, token, versionId, cancellationToken).ConfigureAwait(false);
            if (target is null || EntityMapping.IsDeleteMarker(target))
                return ObjectWriteOutcome.Failed(IndexWriteResult.NotFound);

            var tagsJson = EntityMapping.TagsJson(tags);
            var actions = new List<TableTransactionAction>();
            var versionRowKey = isLatest
                ? EntityMapping.VersionRowOf(target) is { } stamp ? EntityMapping.VersionRowKey(token, stamp) : null
                : target.RowKey;
            if (versionRowKey is not null)
                actions.Add(new(TableTransactionActionType.UpdateMerge, new TableEntity(partitionKey, versionRowKey) { ["Tags"] = tagsJson }, isLatest ? ETag.All : target.ETag));
            if (isLatest)
                actions.Add(new(TableTransactionActionType.UpdateMerge, new TableEntity(partitionKey, target.RowKey) { ["Tags"] = tagsJson }, target.ETag));
            else
                // An older version's tags commit against the current row too: a split's lease or a concurrent
                // promotion of versions makes the transaction fail and re-read, as every version change does.
                actions.Add(new(TableTransactionActionType.UpdateMerge, new TableEntity(partitionKey, current!.RowKey) { ["VersionId"] = current.GetString("VersionId") }, current.ETag));
            var tagged = EntityMapping.ToObjectRecord(target) with { Tags = tags };
            var recorded = AddOutboxRows(actions, events, partitionKey, key, tagged, tagged.VersionId == VersionIds.Null ? null : tagged.VersionId, SequencerTicks(current));
            if (await TrySubmitAsync(actions, partitionKey, cancellationToken).ConfigureAwait(false))
                return new ObjectWriteOutcome(IndexWriteResult.Success, tagged, []) { Events = recorded };
        }
        throw new InvalidOperationException($"Key '{key}' in '{bucket}' changed {MaxRaceRetries} times while tagging it.");
    }

    /// <summary>S3 names no version in events of unversioned buckets; otherwise the committed version id ("null" when suspended).</summary>
    private static string? EventVersionId(ObjectRecord committed, BucketVersioning versioning) =>
        versioning == BucketVersioning.Unversioned ? null : committed.VersionId;

    /// <summary>The current row becomes <paramref name="latest"/> (insert-only if there was none) and its version row is added.</summary>
    private static void AddLatest(List<TableTransactionAction> actions, ObjectRecord latest, string token, string stamp, TableEntity? current)
    {
        var currentRow = EntityMapping.ToEntity(latest, EntityMapping.ObjectRowKey(token), stamp);
        actions.Add(current is null
            ? new TableTransactionAction(TableTransactionActionType.Add, currentRow)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, currentRow, current.ETag));
        actions.Add(new(TableTransactionActionType.Add, EntityMapping.ToEntity(latest, EntityMapping.VersionRowKey(token, stamp), stamp)));
    }

    /// <summary>
    /// Outside Enabled, a write replaces the key's null version: its row goes in the same transaction and its record is reported removed.
    /// False (nothing added) when Object Lock holds that version.
    /// </summary>
    private async Task<bool> ReplaceNullVersionAsync(List<TableTransactionAction> actions, List<ObjectRecord> removed, string partitionKey, string key, string token,
        TableEntity? current, CancellationToken cancellationToken)
    {
        TableEntity? nullVersion;
        string? rowKey;
        if (current is not null && current.GetString("VersionId") == VersionIds.Null)
        {
            nullVersion = current;
            rowKey = EntityMapping.VersionRowOf(current) is { } stamp ? EntityMapping.VersionRowKey(token, stamp) : null;
        }
        else
        {
            nullVersion = current is null ? null : await ReadVersionAsync(partitionKey, key, token, VersionIds.Null, cancellationToken).ConfigureAwait(false);
            rowKey = nullVersion?.RowKey;
        }
        if (nullVersion is null)
            return true;
        var replaced = EntityMapping.ToObjectRecord(nullVersion);
        if (ObjectLocks.Holds(replaced, _time.GetUtcNow()))
            return false;
        // An older null version's row is deleted under its ETag: a lock set on it meanwhile fails the transaction.
        if (rowKey is not null)
            actions.Add(new(TableTransactionActionType.Delete, new TableEntity(partitionKey, rowKey), ReferenceEquals(nullVersion, current) ? ETag.All : nullVersion.ETag));
        removed.Add(replaced);
        return true;
    }

    /// <summary>Null when the condition holds for <paramref name="current"/> (a delete marker counts as no object).</summary>
    private static IndexWriteResult? CheckCondition(TableEntity? current, WriteCondition condition)
    {
        var live = current is not null && !EntityMapping.IsDeleteMarker(current) ? current : null;
        switch (condition.Kind)
        {
            case WriteConditionKind.MustNotExist:
                return live is null ? null : IndexWriteResult.ConditionFailed;
            case WriteConditionKind.ETagMatches:
                if (live is null)
                    return IndexWriteResult.NotFound; // S3 answers If-Match on a missing key with 404
                var wanted = condition.ETag ?? "";
                if (wanted.Trim() == "*")
                    return null;
                return S3ETagsEqual(live.GetString("ETag"), wanted) ? null : IndexWriteResult.ConditionFailed;
            case WriteConditionKind.RowUnchanged:
                if (current is null)
                    return IndexWriteResult.NotFound;
                return current.ETag.ToString() == condition.ETag ? null : IndexWriteResult.ConditionFailed;
            default:
                return null;
        }
    }

    /// <summary>S3 ETags compare without their quotes and without a weak-validator prefix.</summary>
    internal static bool S3ETagsEqual(string? stored, string wanted) =>
        string.Equals(Normalize(stored ?? ""), Normalize(wanted), StringComparison.Ordinal);

    private static string Normalize(string etag)
    {
        var value = etag.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
            value = value[2..];
        return value.Trim('"');
    }

    /// <summary>A version row by id; "null" is found by a query over the key's versions (there is at most one).</summary>
    private async Task<TableEntity?> ReadVersionAsync(string partitionKey, string key, string token, string versionId, CancellationToken cancellationToken)
    {
        if (versionId == VersionIds.Null)
        {
            var (lower, upper) = EntityMapping.VersionRowRange(token);
            var filter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {partitionKey} and RowKey ge {lower} and RowKey lt {upper} and VersionId eq {VersionIds.Null}");
            await foreach (var row in _objects.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
                return CheckKey(row, key);
            return null;
        }
        if (!VersionStamp.IsWellFormed(versionId))
            return null;
        var response = await _objects.GetEntityIfExistsAsync<TableEntity>(partitionKey, EntityMapping.VersionRowKey(token, versionId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? CheckKey(response.Value!, key) : null;
    }

    /// <summary>The newest version row of a key other than <paramref name="exceptRowKey"/>.</summary>
    private async Task<TableEntity?> NewestVersionExceptAsync(string partitionKey, string token, string? exceptRowKey, CancellationToken cancellationToken)
    {
        var (lower, upper) = EntityMapping.VersionRowRange(token);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {lower} and RowKey lt {upper}");
        await foreach (var row in _objects.QueryAsync<TableEntity>(filter, maxPerPage: 2, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey != exceptRowKey)
                return row;
        }
        return null;
    }

    /// <summary>Overflow tokens carry 96 bits of SHA-256: a clash is not expected, but never serve the wrong key.</summary>
    internal static TableEntity CheckKey(TableEntity entity, string key) =>
        string.Equals(entity.GetString("Key"), key, StringComparison.Ordinal)
            ? entity
            : throw new InvalidOperationException($"Row {entity.RowKey} in '{entity.PartitionKey}' holds another key (token clash).");

    /// <summary>
    /// Commits the actions as one transaction, grouped with concurrent writers of the same bucket
    /// (<see cref="TableGroupCommit"/>); false when a concurrent write got in first (409/412/404).
    /// </summary>
    private Task<bool> TrySubmitAsync(IReadOnlyList<TableTransactionAction> actions, string partitionKey, CancellationToken cancellationToken) =>
        _commits.TrySubmitAsync(InPartition(actions, partitionKey), cancellationToken);

    internal static string TokenOf(string key) => KeyEncoding.Token(KeyBytes(key));

    internal static string RowKeyOf(string key) => EntityMapping.ObjectRowKey(TokenOf(key));

    internal static byte[] KeyBytes(string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        if (bytes.Length is 0 or > KeyEncoding.MaxKeyBytes)
            throw new ArgumentException($"An object key is 1 to {KeyEncoding.MaxKeyBytes} bytes of UTF-8; this one is {bytes.Length}.", nameof(key));
        return bytes;
    }

    /// <summary>
    /// Every entity of a key's transaction goes to the key's partition: the actions are built with the bucket
    /// name (records name their bucket) and moved to <paramref name="partitionKey"/> here.
    /// </summary>
    private static IReadOnlyList<TableTransactionAction> InPartition(IReadOnlyList<TableTransactionAction> actions, string partitionKey)
    {
        foreach (var action in actions)
            action.Entity.PartitionKey = partitionKey;
        return actions;
    }
}
