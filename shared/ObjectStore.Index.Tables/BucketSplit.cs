using Azure;
using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

/// <summary>
/// Grows one bucket's index to more partitions while it serves reads and writes (docs/index-schema.md,
/// "Growing a bucket online"). All state lives in the bucket's routing row, changed under its ETag, so a
/// run that crashes is resumed by the next call, and two runners never both advance it.
/// <list type="number">
/// <item>Announce: <c>SplitTo</c> is set. Every instance routes by it within the routing cache lifetime;
/// keys move only after <c>MovesFrom</c> (that lifetime plus a margin), so no instance still creates a
/// moving key in its source partition unannounced.</item>
/// <item>Move: each source partition's current rows, in RowKey order, a page at a time; the keys whose
/// partition changes move (<see cref="KeyMoves"/>), several at once. <c>Cursor</c> is the last row of the
/// last page done.</item>
/// <item>Flip: <c>Count</c> becomes the new count; stubs keep routing instances that have not reread it.</item>
/// <item>Cleanup (after the same wait): staging rows no stub names are deleted, then the stubs.</item>
/// </list>
/// </summary>
internal sealed class BucketSplit(TableClient objects, TableClient buckets, PartitionRouter router, KeyMoves moves, TimeProvider time, TableIndexOptions options)
{
    private const string Moving = "moving";
    private const string Cleanup = "cleanup";
    private const int PageSize = 100;

    public async Task<IndexPartitionStatus> RunAsync(string bucket, int targetCount, TimeSpan budget, CancellationToken cancellationToken)
    {
        if (!IndexPartitions.IsValidCount(targetCount))
            throw new ArgumentException($"A bucket's partition count is a power of two from 1 to {IndexPartitions.MaxCount}.", nameof(targetCount));
        var deadline = time.GetUtcNow() + budget;
        while (true)
        {
            var row = await router.ReadRowAsync(bucket, cancellationToken).ConfigureAwait(false);
            var phase = row?.GetString("Phase");
            var count = row?.GetInt32("Count") ?? 1;
            if (phase is null && targetCount <= count)
                return Status(bucket, row, done: true);
            if (time.GetUtcNow() >= deadline)
                return Status(bucket, row, done: false);
            if (phase is null)
                await AnnounceAsync(bucket, row, count, targetCount, cancellationToken).ConfigureAwait(false);
            else if (WaitUntil(row!) is { } until && until > time.GetUtcNow())
                await Task.Delay(Max(TimeSpan.Zero, Min(until, deadline) - time.GetUtcNow()), time, cancellationToken).ConfigureAwait(false);
            else if (phase == Moving)
                await MoveAsync(bucket, row!, deadline, cancellationToken).ConfigureAwait(false);
            else
                await CleanUpAsync(bucket, row!, deadline, cancellationToken).ConfigureAwait(false);
            router.Forget(bucket);
        }
    }

    public static IndexPartitionStatus Status(string bucket, TableEntity? row, bool done) => new(
        bucket, row?.GetInt32("Count") ?? 1, row?.GetInt32("SplitTo"), row?.GetString("Phase") ?? "", row is null ? null : WaitUntil(row),
        row?.GetInt64("Scanned") ?? 0, row?.GetInt64("Moved") ?? 0, done);

    private static DateTimeOffset? WaitUntil(TableEntity row) =>
        row.GetString("Phase") == Moving ? row.GetDateTimeOffset("MovesFrom") : row.GetDateTimeOffset("CleanupFrom");

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>How long instances may still route by what they read before a change: their cache lifetime and the margin.</summary>
    private TimeSpan Fence => router.Lifetime + options.SplitFenceMargin;

    private async Task AnnounceAsync(string bucket, TableEntity? row, int count, int targetCount, CancellationToken cancellationToken)
    {
        var announced = new TableEntity(bucket, PartitionRouter.RoutingRowKey)
        {
            ["Count"] = count,
            ["SplitTo"] = targetCount,
            ["Phase"] = Moving,
            ["MovesFrom"] = time.GetUtcNow() + Fence,
            ["Scanned"] = 0L,
            ["Moved"] = 0L,
        };
        await WriteAsync(announced, row, cancellationToken).ConfigureAwait(false);
    }

    private async Task MoveAsync(string bucket, TableEntity row, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var count = row.GetInt32("Count") ?? 1;
        var splitTo = row.GetInt32("SplitTo") ?? count;
        var (index, after) = row.GetString("Cursor") is { } cursor ? IndexPartitions.ParsePosition(cursor) : (0, EntityMapping.ObjectRowPrefix);
        if (index >= count)
        {
            // Every source partition is done: route by the new count from now on.
            var flipped = new TableEntity(bucket, PartitionRouter.RoutingRowKey)
            {
                ["Count"] = splitTo,
                ["OldCount"] = count,
                ["Phase"] = Cleanup,
                ["CleanupFrom"] = time.GetUtcNow() + Fence,
                ["Scanned"] = row.GetInt64("Scanned") ?? 0,
                ["Moved"] = row.GetInt64("Moved") ?? 0,
            };
            await WriteAsync(flipped, row, cancellationToken).ConfigureAwait(false);
            return;
        }
        var source = IndexPartitions.PartitionKey(bucket, index);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {source} and RowKey gt {after} and RowKey lt {EntityMapping.ObjectRowsEnd}");
        var page = new List<TableEntity>(PageSize);
        await foreach (var current in objects.QueryAsync<TableEntity>(filter, PageSize, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            page.Add(current);
            if (page.Count == PageSize)
                break;
        }
        var moved = 0L;
        await Parallel.ForEachAsync(page, new ParallelOptions { MaxDegreeOfParallelism = options.SplitParallelism, CancellationToken = cancellationToken },
            async (current, ct) =>
            {
                if (await MoveKeyAsync(bucket, current, splitTo, ct).ConfigureAwait(false))
                    Interlocked.Increment(ref moved);
            }).ConfigureAwait(false);
        row["Cursor"] = page.Count < PageSize ? IndexPartitions.Position(index + 1, EntityMapping.ObjectRowPrefix) : IndexPartitions.Position(index, page[^1].RowKey);
        row["Scanned"] = (row.GetInt64("Scanned") ?? 0) + page.Count;
        row["Moved"] = (row.GetInt64("Moved") ?? 0) + moved;
        await WriteAsync(row, row, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves one key if its partition changes; true when this call moved it.</summary>
    private async Task<bool> MoveKeyAsync(string bucket, TableEntity current, int splitTo, CancellationToken cancellationToken)
    {
        var key = current.GetString("Key") ?? "";
        var targetIndex = IndexPartitions.IndexOf(KeySpreading.HashOf(TableObjectIndex.KeyBytes(key)), splitTo);
        var target = IndexPartitions.PartitionKey(bucket, targetIndex);
        if (target == current.PartitionKey)
            return false;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if (EntityMapping.IsMovedStub(current))
            {
                // Moved or created during the split; a move cut short by a crash is finished here.
                await moves.PublishAsync(current, IndexPartitions.PartitionKey(bucket, KeyMoves.TargetOf(current)), cancellationToken).ConfigureAwait(false);
                return false;
            }
            if (await moves.MoveAsync(current, target, targetIndex, cancellationToken).ConfigureAwait(false))
                return true;
            // A writer changed the key meanwhile: move what it wrote.
            var reread = await objects.GetEntityIfExistsAsync<TableEntity>(current.PartitionKey, current.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!reread.HasValue)
                return false;
            current = reread.Value!;
        }
        throw new IndexBusyException("KeyMoving", TimeSpan.FromSeconds(1));
    }

    private async Task CleanUpAsync(string bucket, TableEntity row, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var count = row.GetInt32("Count") ?? 1;
        var oldCount = row.GetInt32("OldCount") ?? count;
        // Staging rows first (in the new partitions), then stubs (in the old ones): "index:RowKey" over [0, count).
        var (index, after) = row.GetString("Cursor") is { } cursor ? IndexPartitions.ParsePosition(cursor) : (oldCount, KeyMoves.StagingPrefix);
        if (index >= count && index < count + oldCount)
        {
            await DeleteStubsAsync(bucket, row, index - count, after, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (index >= count)
        {
            var done = new TableEntity(bucket, PartitionRouter.RoutingRowKey)
            {
                ["Count"] = count,
                ["Scanned"] = row.GetInt64("Scanned") ?? 0,
                ["Moved"] = row.GetInt64("Moved") ?? 0,
            };
            await WriteAsync(done, row, cancellationToken).ConfigureAwait(false);
            return;
        }
        var partitionKey = IndexPartitions.PartitionKey(bucket, index);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey gt {after} and RowKey lt {"n"}");
        var page = await PageAsync(filter, ["RowKey", "Key", "MoveId"], cancellationToken).ConfigureAwait(false);
        var stale = new List<TableEntity>();
        foreach (var staged in page)
        {
            var key = staged.GetString("Key") ?? "";
            var source = IndexPartitions.PartitionKey(bucket, IndexPartitions.IndexOf(KeySpreading.HashOf(TableObjectIndex.KeyBytes(key)), oldCount));
            var stub = await objects.GetEntityIfExistsAsync<TableEntity>(source, EntityMapping.ObjectRowKey(TableObjectIndex.TokenOf(key)), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (stub.HasValue && EntityMapping.IsMovedStub(stub.Value!) && KeyMoves.MoveIdOf(stub.Value!) == staged.GetString("MoveId"))
                await moves.PublishAsync(stub.Value!, partitionKey, cancellationToken).ConfigureAwait(false);
            else
                stale.Add(staged);
        }
        await TableBatches.DeleteRowsAsync(objects, stale, cancellationToken).ConfigureAwait(false);
        row["Cursor"] = page.Count < PageSize
            ? IndexPartitions.Position(index + 1 < count ? index + 1 : count, index + 1 < count ? KeyMoves.StagingPrefix : EntityMapping.ObjectRowPrefix)
            : IndexPartitions.Position(index, page[^1].RowKey);
        await WriteAsync(row, row, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the stubs of one old partition (a page); the cursor's index is <c>count + source index</c>.</summary>
    private async Task DeleteStubsAsync(string bucket, TableEntity row, int sourceIndex, string after, CancellationToken cancellationToken)
    {
        var count = row.GetInt32("Count") ?? 1;
        var source = IndexPartitions.PartitionKey(bucket, sourceIndex);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {source} and RowKey gt {after} and RowKey lt {EntityMapping.ObjectRowsEnd}");
        var page = await PageAsync(filter, ["RowKey", "Moved"], cancellationToken).ConfigureAwait(false);
        // The staging sweep before this published or deleted every staging row, and no key moves any more: a stub
        // is one delete, several at once.
        await Parallel.ForEachAsync(page.Where(EntityMapping.IsMovedStub),
            new ParallelOptions { MaxDegreeOfParallelism = options.SplitParallelism, CancellationToken = cancellationToken }, async (stub, ct) =>
            {
                try
                {
                    await objects.DeleteEntityAsync(source, stub.RowKey, stub.ETag, ct).ConfigureAwait(false);
                }
                catch (RequestFailedException e) when (e.Status is 404 or 412)
                {
                    // gone, or (412) no longer a stub: a stale writer's row, left for a later run to find
                }
            }).ConfigureAwait(false);
        row["Cursor"] = page.Count < PageSize
            ? IndexPartitions.Position(count + sourceIndex + 1, EntityMapping.ObjectRowPrefix)
            : IndexPartitions.Position(count + sourceIndex, page[^1].RowKey);
        await WriteAsync(row, row, cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<TableEntity>> PageAsync(string filter, IEnumerable<string> select, CancellationToken cancellationToken)
    {
        var page = new List<TableEntity>(PageSize);
        await foreach (var entity in objects.QueryAsync<TableEntity>(filter, PageSize, ["PartitionKey", .. select], cancellationToken).ConfigureAwait(false))
        {
            page.Add(entity);
            if (page.Count == PageSize)
                break;
        }
        return page;
    }

    /// <summary>Replaces the routing row under the ETag read (a second runner loses here and stops).</summary>
    private async Task WriteAsync(TableEntity next, TableEntity? read, CancellationToken cancellationToken)
    {
        try
        {
            if (read is null)
                await buckets.AddEntityAsync(next, cancellationToken).ConfigureAwait(false);
            else
                await buckets.UpdateEntityAsync(next, read.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            throw new InvalidOperationException($"Another split of '{next.PartitionKey}' advanced its routing row first; run it again to resume.", e);
        }
    }
}
