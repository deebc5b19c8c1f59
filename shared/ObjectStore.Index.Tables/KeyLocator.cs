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
internal sealed class KeyLocator(TableClient objects, PartitionRouter router, KeyMoves moves, TableReadCoalescer coalescedReads, TimeProvider time)
{
    private readonly TableClient _objects = objects;
    private readonly TimeProvider _time = time;

    public async ValueTask<KeyRoute> RouteAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        var routing = await router.GetAsync(bucket, cancellationToken).ConfigureAwait(false);
        return routing.Route(bucket, KeySpreading.HashOf(TableObjectIndex.KeyBytes(key)));
    }

    /// <summary>Where a reader finds the key.</summary>
    public Task<KeyPlace> LocateAsync(string bucket, string key, string token, CancellationToken cancellationToken) =>
        LocateAsync(bucket, key, token, forWrite: false, coalesced: false, cancellationToken);

    /// <summary>
    /// Where a writer changes the key. A writer waits while a split holds the key's lease (it is being copied),
    /// and a writer of a key the split is moving that has no row yet puts a stub in the source first.
    /// </summary>
    public async Task<KeyPlace> LocateAsync(string bucket, string key, string token, bool forWrite, bool coalesced, CancellationToken cancellationToken)
    {
        var route = await RouteAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        var waitedSince = _time.GetTimestamp();
        while (true)
        {
            var row = await ReadCurrentRowAsync(route.Home, key, token, coalesced, cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                if (!route.IsMoving)
                    return new KeyPlace(route.Home, null);
                // A reader also looks in the target: the split may have finished and removed its stubs since this
                // instance read the routing (one more read, only for a key absent from its source during a split).
                if (!forWrite)
                    return new KeyPlace(route.Target!, await ReadCurrentRowAsync(route.Target!, key, token, coalesced: false, cancellationToken).ConfigureAwait(false));
                if (!await TryAddStubAsync(route.Home, key, token, route.TargetIndex, moveId: "", cancellationToken).ConfigureAwait(false))
                    continue; // someone created the key in the source meanwhile
                return new KeyPlace(route.Target!, await ReadCurrentRowAsync(route.Target!, key, token, coalesced: false, cancellationToken).ConfigureAwait(false));
            }
            if (EntityMapping.IsMovedStub(row))
            {
                var target = IndexPartitions.PartitionKey(bucket, KeyMoves.TargetOf(row));
                await moves.PublishAsync(row, target, cancellationToken).ConfigureAwait(false);
                return new KeyPlace(target, await ReadCurrentRowAsync(target, key, token, coalesced: false, cancellationToken).ConfigureAwait(false));
            }
            if (!forWrite || !KeyMoves.IsLeased(row, _time.GetUtcNow()))
                return new KeyPlace(route.Home, row);
            // A split is copying the key: it takes a few round trips. Past the retry budget, the client retries (503 SlowDown).
            if (_time.GetElapsedTime(waitedSince) > moves.WaitBudget)
                throw new IndexBusyException("KeyMoving", TimeSpan.FromSeconds(1));
            await Task.Delay(TimeSpan.FromMilliseconds(25), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<TableEntity?> ReadCurrentRowAsync(string partitionKey, string key, string token, bool coalesced, CancellationToken cancellationToken)
    {
        TableEntity? row;
        if (coalesced)
        {
            // Concurrent deletes of one partition (a DeleteObjects) share their reads: TableReadCoalescer.
            row = await coalescedReads.ReadAsync(partitionKey, EntityMapping.ObjectRowKey(token), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var response = await _objects.GetEntityIfExistsAsync<TableEntity>(partitionKey, EntityMapping.ObjectRowKey(token), cancellationToken: cancellationToken).ConfigureAwait(false);
            row = response.HasValue ? response.Value : null;
        }
        return row is null ? null : TableObjectIndex.CheckKey(row, key);
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

    /// <summary>
    /// The live current row of a key a listing met only as a split's stub (its move not published yet, or it was
    /// deleted after moving): finish the move, then read the target. The listing reads only some columns: reread the stub.
    /// </summary>
    public async Task<TableEntity?> ResolveStubAsync(TableEntity listed, CancellationToken cancellationToken)
    {
        var stored = await _objects.GetEntityIfExistsAsync<TableEntity>(listed.PartitionKey, listed.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!stored.HasValue)
            return null;
        var stub = stored.Value!;
        if (!EntityMapping.IsMovedStub(stub))
            return stub;
        var key = stub.GetString("Key") ?? "";
        var target = IndexPartitions.PartitionKey(IndexPartitions.BucketOf(stub.PartitionKey), KeyMoves.TargetOf(stub));
        await moves.PublishAsync(stub, target, cancellationToken).ConfigureAwait(false);
        return await ReadCurrentRowAsync(target, key, TableObjectIndex.TokenOf(key), coalesced: false, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>A key's partition and its current row there (null: no current row).</summary>
internal readonly record struct KeyPlace(string PartitionKey, TableEntity? Current);
