using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using static ObjectStore.Index.Tables.TableBatches;

namespace ObjectStore.Index.Tables;

/// <summary>
/// Pending data deletions: "g" rows in the bucket's partition, added to the same entity-group
/// transaction as the change that stops referencing the data (as the outbox rows are). RowKey = "g" +
/// 16 hex digits of the UTC ticks of that commit + "-" + 12 random hex digits, so a bucket's pending
/// deletions list oldest first. A bucket deleted while it still has some is noted in the buckets
/// table (its partition, RowKey "retired"), so the collector still reaches its partition.
/// </summary>
internal sealed class TableDataDeletions(TableClient objects, TableClient buckets, TimeProvider time, PartitionRouter router)
{
    private readonly TableClient _objects = objects;
    private readonly TableClient _buckets = buckets;
    private readonly TimeProvider _time = time;

    private const string DeletionRowPrefix = "g";
    private const string DeletionRowsEnd = "h";
    private const string RetiredBucketRowKey = "retired";
    private const int MaxDeletionPage = 1000;

    /// <summary>
    /// Pending deletions of the data (and restored copy) of versions a write removes, added to
    /// <paramref name="actions"/>; <paramref name="keptLayout"/> is data the write itself references
    /// (a completion committed again), which is not recorded.
    /// </summary>
    public void AddDeletionRows(List<TableTransactionAction> actions, IEnumerable<ObjectRecord> removed, string? keptLayout = null)
    {
        foreach (var version in removed)
        {
            if (!version.IsDeleteMarker && version.DataLayout != keptLayout)
                AddDeletionRow(actions, version.Bucket, version.Key, version.VersionId, version.DataLayout, version.Size);
            if (version.RestoreLayout is { } copy && copy != keptLayout)
                AddDeletionRow(actions, version.Bucket, version.Key, version.VersionId, copy, version.Size);
        }
    }

    /// <summary>A pending deletion of <paramref name="layout"/>, added to <paramref name="actions"/> (nothing for an empty or inline layout).</summary>
    public void AddDeletionRow(List<TableTransactionAction> actions, string bucket, string key, string? versionId, string layout, long size)
    {
        if (string.IsNullOrEmpty(layout) || InlineLayout.IsInline(layout))
            return; // inline data goes with its row
        var now = _time.GetUtcNow();
        var rowKey = DeletionRowPrefix + now.UtcTicks.ToString("x16", CultureInfo.InvariantCulture) + "-"
            + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var entity = new TableEntity(bucket, rowKey)
        {
            ["Key"] = key,
            ["VersionId"] = versionId,
            ["Size"] = size,
            ["UnreferencedAt"] = now,
        };
        EntityMapping.WriteChunked(entity, "DataLayout", layout);
        actions.Add(new TableTransactionAction(TableTransactionActionType.Add, entity));
    }

    public async Task<DataDeletionPage> ListDataDeletionsAsync(string bucket, string? after, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var routing = await router.GetAsync(bucket, cancellationToken).ConfigureAwait(false);
        var page = new List<DataDeletion>(Math.Min(max, MaxDeletionPage));
        // Oldest first within each partition, partition after partition (the id is the position).
        var scan = PartitionScan.RowsAsync(_objects, bucket, routing.ScanCount, after, (partitionKey, start) => TableClient.CreateQueryFilter(
            $"PartitionKey eq {partitionKey} and RowKey gt {start ?? DeletionRowPrefix} and RowKey lt {DeletionRowsEnd}"), Math.Min(max, MaxDeletionPage), null, cancellationToken);
        await foreach (var entity in scan.ConfigureAwait(false))
        {
            var id = IndexPartitions.PositionOf(entity);
            page.Add(new DataDeletion(bucket, id, EntityMapping.ReadChunked(entity, "DataLayout"), entity.GetInt64("Size") ?? 0,
                entity.GetDateTimeOffset("UnreferencedAt") ?? default, entity.GetString("Key") ?? "", entity.GetString("VersionId")));
            if (page.Count == max)
                return new DataDeletionPage(page, id);
        }
        return new DataDeletionPage(page, null);
    }

    public Task DeleteDataDeletionsAsync(IReadOnlyList<DataDeletion> deletions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deletions);
        return DeleteRowsAsync(_objects, deletions.Select(d =>
        {
            var (partitionKey, rowKey) = IndexPartitions.Address(d.Bucket, d.Id);
            return new TableEntity(partitionKey, rowKey);
        }), cancellationToken);
    }

    public async IAsyncEnumerable<string> ListRetiredBucketsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var names = new List<string>();
        var query = _buckets.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {RetiredBucketRowKey}"), select: ["PartitionKey"],
            cancellationToken: cancellationToken);
        await foreach (var entity in query.ConfigureAwait(false))
            names.Add(entity.PartitionKey);
        names.Sort(StringComparer.Ordinal);
        foreach (var name in names)
            yield return name;
    }

    public async Task ForgetRetiredBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        try
        {
            await _buckets.DeleteEntityAsync(bucket, RetiredBucketRowKey, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    /// <summary>
    /// Before a bucket row is deleted: if its partition holds pending deletions, note the bucket so the
    /// collector keeps visiting the partition. Checked after the emptiness check: a change that recorded
    /// one had committed by then (or its object row would have kept the bucket), so it is seen here.
    /// </summary>
    public async Task RetireIfPendingAsync(string bucket, CancellationToken cancellationToken)
    {
        var routing = await router.GetAsync(bucket, cancellationToken).ConfigureAwait(false);
        var scan = PartitionScan.RowsAsync(_objects, bucket, routing.ScanCount, after: null, (partitionKey, _) => TableClient.CreateQueryFilter(
            $"PartitionKey eq {partitionKey} and RowKey ge {DeletionRowPrefix} and RowKey lt {DeletionRowsEnd}"), pageSize: 1, ["RowKey"], cancellationToken);
        await foreach (var _ in scan.ConfigureAwait(false))
        {
            await _buckets.UpsertEntityAsync(new TableEntity(bucket, RetiredBucketRowKey) { ["RetiredAt"] = _time.GetUtcNow() }, TableUpdateMode.Replace,
                cancellationToken).ConfigureAwait(false);
            return;
        }
    }
}
