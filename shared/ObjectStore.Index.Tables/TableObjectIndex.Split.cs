namespace ObjectStore.Index.Tables;

/// <summary>Partitioned buckets: how many partitions a bucket's index has, and growing it online (<see cref="BucketSplit"/>).</summary>
public sealed partial class TableObjectIndex
{
    public async Task<IndexPartitionStatus?> GetPartitionStatusAsync(string bucket, CancellationToken cancellationToken)
    {
        if (await GetBucketAsync(bucket, cancellationToken).ConfigureAwait(false) is null)
            return null;
        var row = await _router.ReadRowAsync(bucket, cancellationToken).ConfigureAwait(false);
        return BucketSplit.Status(bucket, row, done: row?.GetString("Phase") is null);
    }

    public async Task<IndexPartitionStatus?> GrowPartitionsAsync(string bucket, int partitions, TimeSpan budget, CancellationToken cancellationToken)
    {
        if (await GetBucketAsync(bucket, cancellationToken).ConfigureAwait(false) is null)
            return null;
        var split = new BucketSplit(_objects, _buckets, _router, _moves, _time, _options);
        return await split.RunAsync(bucket, partitions, budget, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The partition keys a listing of the bucket merges (every partition that may hold its rows).</summary>
    private async Task<IReadOnlyList<string>> ListedPartitionsAsync(string bucket, CancellationToken cancellationToken)
    {
        var routing = await _router.GetAsync(bucket, cancellationToken).ConfigureAwait(false);
        return IndexPartitions.PartitionKeys(bucket, routing.ScanCount);
    }
}
