using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

/// <summary>
/// <see cref="IObjectIndex"/> over Azure Table storage (or Azurite). Two tables:
/// <c>{prefix}Buckets</c> (one partition per bucket) and <c>{prefix}Objects</c> (one partition per
/// bucket; RowKeys are order-preserving key tokens). Schema and trade-offs: docs/index-schema.md.
/// </summary>
public sealed partial class TableObjectIndex : IObjectIndex, IIndexPartitioning
{
    private const int MaxRaceRetries = 20;

    /// <summary>The most actions one Table transaction takes.</summary>
    internal const int MaxBatch = 100;

    private readonly TableServiceClient _service;
    private readonly TableClient _buckets;
    private readonly TableClient _objects;
    private readonly TimeProvider _time;
    private readonly TableUploads _uploads;
    private readonly TableOutbox _outbox;
    private readonly TableDataDeletions _deletions;
    private readonly TableDataRows _dataRows;
    private readonly TableListings _listings;
    private readonly TableGroupCommit _commits;
    private readonly TableReadCoalescer _deleteReads;
    private readonly TableIndexOptions _options;
    private readonly PartitionRouter _router;
    private readonly KeyMoves _moves;
    private readonly KeyLocator _locator;

    /// <param name="serviceClient">The storage account's table service.</param>
    /// <param name="tableNamePrefix">Prepended to the table names, so instances and tests can isolate: letters and digits, starting with a letter (or empty).</param>
    /// <param name="time">Clock of delete markers and version stamps.</param>
    /// <param name="options">Partitions of new buckets and routing (defaults: one partition).</param>
    public TableObjectIndex(TableServiceClient serviceClient, string tableNamePrefix, TimeProvider? time = null, TableIndexOptions? options = null)
    {
        _time = time ?? TimeProvider.System;
        _options = options ?? new TableIndexOptions();
        if (!IndexPartitions.IsValidCount(_options.DefaultPartitions))
            throw new ArgumentException($"The partition count of new buckets must be a power of two from 1 to {IndexPartitions.MaxCount}.", nameof(options));
        ArgumentNullException.ThrowIfNull(serviceClient);
        ArgumentNullException.ThrowIfNull(tableNamePrefix);
        if (!tableNamePrefix.All(char.IsAsciiLetterOrDigit) || (tableNamePrefix.Length > 0 && !char.IsAsciiLetter(tableNamePrefix[0])) || tableNamePrefix.Length > 50)
            throw new ArgumentException("The table name prefix must be up to 50 ASCII letters and digits, starting with a letter.", nameof(tableNamePrefix));
        _service = serviceClient;
        BucketsTableName = tableNamePrefix + "Buckets";
        ObjectsTableName = tableNamePrefix + "Objects";
        _buckets = serviceClient.GetTableClient(BucketsTableName);
        _objects = serviceClient.GetTableClient(ObjectsTableName);
        _router = new PartitionRouter(_buckets, _time, _options.RoutingCacheLifetime);
        _moves = new KeyMoves(_objects, _time, _options);
        _commits = new TableGroupCommit((actions, ct) => _objects.SubmitTransactionAsync(actions, ct));
        _uploads = new TableUploads(_objects, _router, _time);
        _outbox = new TableOutbox(_objects, _time, _router, _commits);
        _deletions = new TableDataDeletions(_objects, _buckets, _time, _router);
        _dataRows = new TableDataRows(_objects, _router);
        _listings = new TableListings(_objects);
        _deleteReads = new TableReadCoalescer(_objects);
        _locator = new KeyLocator(_objects, _router, _moves, _deleteReads, _time);
    }

    public string BucketsTableName { get; }
    public string ObjectsTableName { get; }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _service.CreateTableIfNotExistsAsync(BucketsTableName, cancellationToken).ConfigureAwait(false);
        await _service.CreateTableIfNotExistsAsync(ObjectsTableName, cancellationToken).ConfigureAwait(false);
    }

    public async Task<BucketRecord?> GetBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        var response = await _buckets.GetEntityIfExistsAsync<TableEntity>(bucket, EntityMapping.BucketRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? EntityMapping.ToBucketRecord(response.Value!) : null;
    }

    /// <summary>
    /// Adds the bucket row and, when the bucket gets more than one partition (<see cref="TableIndexOptions.DefaultPartitions"/>),
    /// its routing row in the same transaction: no instance ever sees the bucket without its partition count.
    /// </summary>
    public async Task<bool> TryCreateBucketAsync(BucketRecord bucket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        var existingRouting = await _router.ReadRowAsync(bucket.Name, cancellationToken).ConfigureAwait(false);
        List<TableTransactionAction> actions = [new(TableTransactionActionType.Add, EntityMapping.ToEntity(bucket))];
        if (PartitionRouter.CreateAction(bucket.Name, existingRouting, _options.DefaultPartitions) is { } routing)
            actions.Add(routing);
        try
        {
            await _buckets.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
        finally
        {
            _router.Forget(bucket.Name);
        }
    }

    public async Task<IndexWriteResult> UpdateBucketAsync(BucketRecord bucket, CancellationToken cancellationToken)
    {
        // No token means "replace whatever is there", but the bucket must exist (ETag * never inserts).
        var etag = bucket.ConcurrencyToken is null ? ETag.All : new ETag(bucket.ConcurrencyToken);
        return await TableBatches.ConditionalWriteAsync(() => _buckets.UpdateEntityAsync(EntityMapping.ToEntity(bucket), etag, TableUpdateMode.Replace, cancellationToken))
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Checks emptiness, deletes the bucket row (If-Match), then checks again and restores the row
    /// if an object landed in between. A put that validated the bucket before the delete and commits
    /// after the second check can still leave an orphan row; see docs/index-schema.md.
    /// </summary>
    public async Task<IndexWriteResult> DeleteBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        var existing = await _buckets.GetEntityIfExistsAsync<TableEntity>(bucket, EntityMapping.BucketRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!existing.HasValue)
            return IndexWriteResult.NotFound;
        var row = existing.Value!;
        if (await HasObjectRowsAsync(bucket, cancellationToken).ConfigureAwait(false))
            return IndexWriteResult.NotEmpty;
        await RetireIfPendingAsync(bucket, cancellationToken).ConfigureAwait(false);
        try
        {
            await _buckets.DeleteEntityAsync(bucket, EntityMapping.BucketRowKey, row.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return IndexWriteResult.NotFound;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return IndexWriteResult.ConditionFailed;
        }
        if (await HasObjectRowsAsync(bucket, cancellationToken).ConfigureAwait(false))
        {
            await _buckets.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return IndexWriteResult.NotEmpty;
        }
        // The routing row stays: a bucket name's partition count never shrinks (PartitionRouter.CreateAction).
        _router.Forget(bucket);
        return IndexWriteResult.Success;
    }

    public async IAsyncEnumerable<BucketRecord> ListBucketsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buckets = new List<BucketRecord>();
        var query = _buckets.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"RowKey eq {EntityMapping.BucketRowKey}"), cancellationToken: cancellationToken);
        await foreach (var entity in query.ConfigureAwait(false))
            buckets.Add(EntityMapping.ToBucketRecord(entity));
        buckets.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var bucket in buckets)
            yield return bucket;
    }

    /// <summary>
    /// Any row of a kind that keeps a bucket from being deleted: current versions ("o"), uploads ("u")
    /// and versions ("v"). Outbox rows ("e") and pending deletions ("g") do not count, nor do part rows
    /// ("p"): a live part always has its upload row or a completed object, and the parts of a multipart
    /// object pending deletion stay until the collector takes them. Nor do a split's stubs: they name a key
    /// that, if it exists, has rows in another partition.
    /// </summary>
    private async Task<bool> HasObjectRowsAsync(string bucket, CancellationToken cancellationToken)
    {
        var routing = await _router.GetAsync(bucket, cancellationToken).ConfigureAwait(false);
        // Table may answer with empty pages plus a continuation; the enumerator follows them.
        var rows = PartitionScan.RowsAsync(_objects, bucket, routing.ScanCount, after: null, (partitionKey, _) => TableClient.CreateQueryFilter(
            $"PartitionKey eq {partitionKey} and ((RowKey ge {"o"} and RowKey lt {"p"}) or (RowKey ge {"u"} and RowKey lt {"w"}))"), pageSize: 16, ["RowKey", "Moved"], cancellationToken);
        await foreach (var row in rows.ConfigureAwait(false))
        {
            if (!EntityMapping.IsMovedStub(row))
                return true;
        }
        return false;
    }
}
