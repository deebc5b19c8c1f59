namespace ObjectStore.Index.Tables;

/// <summary>Partitioned buckets: how many partitions a bucket's index has, and growing it online (<see cref="BucketSplit"/>).</summary>
public sealed partial class TableObjectIndex
{
    /// <summary>The bucket's partitions and any split in progress; null when the bucket does not exist.</summary>
    public async Task<IndexPartitionStatus?> GetPartitionStatusAsync(string bucket, CancellationToken cancellationToken)
    {
        if (await GetBucketAsync(bucket, cancellationToken).ConfigureAwait(false) is null)
            return null;
        var row = await _router.ReadRowAsync(bucket, cancellationToken).ConfigureAwait(false);
        return BucketSplit.Status(bucket, row, done: row?.GetString("Phase") is null);
    }

    /// <summary>
    /// Grows the bucket's index to <paramref name="partitions"/> (a power of two, at most 64; a smaller or equal count
    /// changes nothing) while it serves reads and writes. Works for at most <paramref name="budget"/>, then returns
    /// where it is: call again until <see cref="IndexPartitionStatus.Done"/>. A run cut short by a crash resumes
    /// where the last one saved its progress. Null when the bucket does not exist.
    /// </summary>
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
