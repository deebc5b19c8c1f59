using System.Collections.Concurrent;
using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

/// <summary>
/// Each bucket's <see cref="IndexRouting"/>, read from its routing row (RowKey "index" beside the bucket
/// row in the buckets table; no row: one partition) and cached per instance for
/// <see cref="TableIndexOptions.RoutingCacheLifetime"/>. A split waits longer than that lifetime before it
/// moves a key, so every instance routes by the split by then (docs/index-schema.md, "Growing a bucket online").
/// </summary>
internal sealed class PartitionRouter(TableClient buckets, TimeProvider time, TimeSpan lifetime)
{
    public const string RoutingRowKey = "index";

    private readonly ConcurrentDictionary<string, (Task<IndexRouting> Routing, long ExpiresAt)> _cache = new(StringComparer.Ordinal);

    public TimeSpan Lifetime { get; } = lifetime;

    public async ValueTask<IndexRouting> GetAsync(string bucket, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        if (_cache.TryGetValue(bucket, out var cached) && now < cached.ExpiresAt && !cached.Routing.IsFaulted)
            return await cached.Routing.ConfigureAwait(false);
        // Concurrent misses share one read.
        var read = ReadAsync(bucket, cancellationToken);
        if (Lifetime > TimeSpan.Zero)
            _cache[bucket] = (read, now + (long)(Lifetime.TotalSeconds * time.TimestampFrequency));
        var routing = await read.ConfigureAwait(false);
        return routing;
    }

    /// <summary>Drops the cached routing of a bucket this instance changed (created, deleted, split).</summary>
    public void Forget(string bucket) => _cache.TryRemove(bucket, out _);

    private async Task<IndexRouting> ReadAsync(string bucket, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {bucket} and (RowKey eq {EntityMapping.BucketRowKey} or RowKey eq {RoutingRowKey})");
        var routing = IndexRouting.Single;
        var bucketExists = false;
        await foreach (var row in buckets.QueryAsync<TableEntity>(filter, select: ["RowKey", "Count", "SplitTo"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey == RoutingRowKey)
                routing = ToRouting(row);
            else
                bucketExists = true;
        }
        // Never remember a bucket that does not exist (yet): it may be created with more partitions.
        if (!bucketExists)
            Forget(bucket);
        return routing;
    }

    public static IndexRouting ToRouting(TableEntity row) => new(row.GetInt32("Count") ?? 1, row.GetInt32("SplitTo"));

    public async Task<TableEntity?> ReadRowAsync(string bucket, CancellationToken cancellationToken)
    {
        var response = await buckets.GetEntityIfExistsAsync<TableEntity>(bucket, RoutingRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// The routing row a new bucket gets with the bucket row (same transaction), or null when none is needed. A bucket
    /// name's count never shrinks, even across delete and re-create: partitions a deleted bucket left pending
    /// deletions in stay within the scanned ones.
    /// </summary>
    public static TableTransactionAction? CreateAction(string bucket, TableEntity? existing, int defaultCount)
    {
        var count = Math.Max(existing?.GetInt32("Count") ?? 1, defaultCount);
        if (existing is not null && existing.GetInt32("Count") == count)
            return null;
        if (existing is null && count == 1)
            return null;
        var row = existing ?? new TableEntity(bucket, RoutingRowKey);
        row["Count"] = count;
        return existing is null
            ? new TableTransactionAction(TableTransactionActionType.Add, row)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, existing.ETag);
    }
}

/// <summary>Settings of the Table index beyond its tables' names.</summary>
public sealed record TableIndexOptions
{
    /// <summary>Partitions a new bucket's index gets (OBJECTSTORE_INDEX_PARTITIONS): a power of two, 1 to 64.</summary>
    public int DefaultPartitions { get; init; } = 1;

    /// <summary>How long an instance trusts a bucket's routing (OBJECTSTORE_INDEX_ROUTING_CACHE_SECONDS); a split waits longer before it moves keys.</summary>
    public TimeSpan RoutingCacheLifetime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a split's lease keeps writers of one key waiting while the key moves; a crashed split's lease ends then.</summary>
    public TimeSpan MoveLease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a writer waits for a key being moved before the client is told to retry (503 SlowDown).</summary>
    public TimeSpan MoveWaitBudget { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Added to <see cref="RoutingCacheLifetime"/> for how long a split waits before it moves keys and before it
    /// removes its stubs: an operation that read the routing before a change commits within it.
    /// </summary>
    public TimeSpan SplitFenceMargin { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Keys a split moves at once.</summary>
    public int SplitParallelism { get; init; } = 16;
}
