namespace ObjectStore.Background;

/// <summary>
/// What a bucket holds, as of the usage pass that last finished over it (<see cref="ComputedAt"/>):
/// per storage class, current objects, noncurrent versions and unfinished uploads' parts, logical
/// bytes and stored bytes (the class's erasure overhead), and the monthly cost at the configured prices.
/// </summary>
public sealed record BucketUsage(
    string Bucket,
    DateTimeOffset StartedAt,
    DateTimeOffset ComputedAt,
    IReadOnlyList<UsageClass> Classes,
    UsageTotals Totals,
    long DeleteMarkers,
    UsageUploads Uploads,
    IReadOnlyList<OutboxBacklog> Outbox,
    string Currency,
    decimal MonthlyCost,
    IReadOnlyList<string> Flags);

/// <param name="Profile">The class's erasure profile ("4+2").</param>
/// <param name="StoredBytes">Logical bytes (current, noncurrent and parts) times (k+m)/k.</param>
public sealed record UsageClass(
    string StorageClass,
    string Profile,
    long Objects,
    long Bytes,
    long NoncurrentVersions,
    long NoncurrentBytes,
    long Uploads,
    long Parts,
    long PartBytes,
    long LogicalBytes,
    long StoredBytes,
    decimal MonthlyCost);

public sealed record UsageTotals(long Objects, long Bytes, long NoncurrentVersions, long NoncurrentBytes, long PartBytes, long LogicalBytes, long StoredBytes)
{
    /// <summary>Noncurrent bytes as a share of all logical bytes (0 for an empty bucket).</summary>
    public double NoncurrentShare => LogicalBytes == 0 ? 0 : (double)NoncurrentBytes / LogicalBytes;
}

/// <param name="Stale">Uploads started more than the stale age before the pass.</param>
/// <param name="OldestInitiated">The oldest unfinished upload's start.</param>
public sealed record UsageUploads(long Count, long Parts, long Bytes, long Stale, long StaleBytes, DateTimeOffset? OldestInitiated);

/// <param name="Destination">The destination ARN the events are for.</param>
/// <param name="Events">Events still in the outbox (not yet on the events queue), counted up to the scan limit.</param>
/// <param name="OldestEventTime">The oldest of them.</param>
public sealed record OutboxBacklog(string Destination, long Events, DateTimeOffset? OldestEventTime);

/// <summary>The answer of the usage route: every bucket's usage (or one), totals and the report as text.</summary>
public sealed record UsageReport(
    DateTimeOffset At,
    string Currency,
    IReadOnlyList<BucketUsage> Buckets,
    IReadOnlyList<string> NotYetCounted,
    decimal MonthlyCost,
    IReadOnlyList<string> Report);
