using Azure;
using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

/// <summary>
/// Finding a key's partition (docs/index-schema.md, "Partitioned buckets" and "Growing a bucket online").
/// Outside a split a key lives in its home partition. While a split moves it, the source partition's
/// current row says where it is: a live row (the key has not moved), a stub naming the target (it has,
/// or it was created during the split), or nothing (the key does not exist). A writer that would create
/// a moving key first puts a stub in the source, so "nothing in the source" always means "no key", for
/// every instance, whatever routing it has cached.
/// </summary>
public sealed partial class TableObjectIndex
{
    /// <summary>A key's partition and its current row there (null: no current row).</summary>
    private readonly record struct KeyPlace(string PartitionKey, TableEntity? Current);

    private async ValueTask<KeyRoute> RouteAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        var routing = await _router.GetAsync(bucket, cancellationToken).ConfigureAwait(false);
        return routing.Route(bucket, KeySpreading.HashOf(KeyBytes(key)));
    }

    /// <summary>Where a reader finds the key.</summary>
    private Task<KeyPlace> LocateAsync(string bucket, string key, string token, CancellationToken cancellationToken) =>
        LocateAsync(bucket, key, token, forWrite: false, coalesced: false, cancellationToken);

    /// <summary>
    /// Where a writer changes the key. A writer waits while a split holds the key's lease (it is being copied),
    /// and a writer of a key the split is moving that has no row yet puts a stub in the source first.
    /// </summary>
    private async Task<KeyPlace> LocateAsync(string bucket, string key, string token, bool forWrite, bool coalesced, CancellationToken cancellationToken)
    {
        var route = await RouteAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        var waitedSince = _time.GetTimestamp();
        while (true)
        {
            var row = await ReadCurrentRowAsync(route.Home, key, token, coalesced, cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                if (!forWrite || !route.IsMoving)
                    return new KeyPlace(route.Home, null);
                if (!await TryAddStubAsync(route.Home, key, token, route.TargetIndex, moveId: "", cancellationToken).ConfigureAwait(false))
                    continue; // someone created the key in the source meanwhile
                return new KeyPlace(route.Target!, await ReadCurrentRowAsync(route.Target!, key, token, coalesced: false, cancellationToken).ConfigureAwait(false));
            }
            if (KeyMoves.IsStub(row))
            {
                var target = IndexPartitions.PartitionKey(bucket, KeyMoves.TargetOf(row));
                await _moves.PublishAsync(row, target, cancellationToken).ConfigureAwait(false);
                return new KeyPlace(target, await ReadCurrentRowAsync(target, key, token, coalesced: false, cancellationToken).ConfigureAwait(false));
            }
            if (!forWrite || !KeyMoves.IsLeased(row, _time.GetUtcNow()))
                return new KeyPlace(route.Home, row);
            // A split is copying the key: it takes a few round trips. Past the retry budget, the client retries (503 SlowDown).
            if (_time.GetElapsedTime(waitedSince) > _options.MoveWaitBudget)
                throw new IndexBusyException("KeyMoving", TimeSpan.FromSeconds(1));
            await Task.Delay(TimeSpan.FromMilliseconds(25), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<TableEntity?> ReadCurrentRowAsync(string partitionKey, string key, string token, bool coalesced, CancellationToken cancellationToken)
    {
        TableEntity? row;
        if (coalesced)
        {
            // Concurrent deletes of one partition (a DeleteObjects) share their reads: TableReadCoalescer.
            row = await _deleteReads.ReadAsync(partitionKey, EntityMapping.ObjectRowKey(token), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var response = await _objects.GetEntityIfExistsAsync<TableEntity>(partitionKey, EntityMapping.ObjectRowKey(token), cancellationToken: cancellationToken).ConfigureAwait(false);
            row = response.HasValue ? response.Value : null;
        }
        return row is null ? null : CheckKey(row, key);
    }

    /// <summary>A stub that routes the key to <paramref name="targetIndex"/>; false when the source has a row of the key already.</summary>
    private async Task<bool> TryAddStubAsync(string partitionKey, string key, string token, int targetIndex, string moveId, CancellationToken cancellationToken)
    {
        try
        {
            await _objects.AddEntityAsync(KeyMoves.Stub(partitionKey, EntityMapping.ObjectRowKey(token), key, targetIndex, moveId), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>A version row of a key, wherever the key lives (the version listing resumes at a version-id marker).</summary>
    private async Task<TableEntity?> ReadVersionInBucketAsync(string bucket, string key, string token, string versionId, CancellationToken cancellationToken)
    {
        var (partitionKey, _) = await LocateAsync(bucket, key, token, cancellationToken).ConfigureAwait(false);
        return await ReadVersionAsync(partitionKey, key, token, versionId, cancellationToken).ConfigureAwait(false);
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
