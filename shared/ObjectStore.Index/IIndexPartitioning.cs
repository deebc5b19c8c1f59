namespace ObjectStore.Index;

/// <summary>
/// A bucket's index partitions and growing them online (docs/index-schema.md, "Partitioned buckets" and
/// "Growing a bucket online"), for the admin API. The Table index implements it.
/// </summary>
public interface IIndexPartitioning
{
    /// <summary>The bucket's partitions and any split in progress; null when the bucket does not exist.</summary>
    Task<IndexPartitionStatus?> GetPartitionStatusAsync(string bucket, CancellationToken cancellationToken);

    /// <summary>
    /// Grows the bucket's index to <paramref name="partitions"/> (a power of two, at most 64; a smaller or equal count
    /// changes nothing) while it serves reads and writes. Works for at most <paramref name="budget"/>, then returns
    /// where it is: call again until <see cref="IndexPartitionStatus.Done"/>. A run cut short by a crash resumes
    /// where the last one saved its progress. Null when the bucket does not exist.
    /// </summary>
    Task<IndexPartitionStatus?> GrowPartitionsAsync(string bucket, int partitions, TimeSpan budget, CancellationToken cancellationToken);
}

/// <summary>A bucket's index partitions and the split growing them, as the routing row says.</summary>
/// <param name="Count">Partitions keys are routed by.</param>
/// <param name="SplitTo">The count a running split grows to, or null.</param>
/// <param name="Phase">"" (none), "moving" or "cleanup".</param>
/// <param name="WaitUntil">When the phase's wait for every instance to reroute ends.</param>
/// <param name="Scanned">Current rows the split has read.</param>
/// <param name="Moved">Keys it moved.</param>
/// <param name="Done">The bucket has the asked count and no split runs.</param>
public sealed record IndexPartitionStatus(string Bucket, int Count, int? SplitTo, string Phase, DateTimeOffset? WaitUntil, long Scanned, long Moved, bool Done);
