namespace ObjectStore.Background;

public enum LifecycleBucketStatus
{
    /// <summary>Walked to the end; the cursor is cleared.</summary>
    Completed,
    /// <summary>Stopped at the pass's time limit; the cursor stays.</summary>
    TimeLimit,
    /// <summary>Another instance holds the bucket's lease.</summary>
    LeasedElsewhere,
    /// <summary>The lease lapsed and another instance took it.</summary>
    LeaseLost,
}

/// <summary>What one lifecycle pass did (the admin route returns it as JSON).</summary>
/// <param name="Finished">Every bucket was completed (or is being handled by another instance).</param>
public sealed record LifecyclePassResult(bool Finished, IReadOnlyList<LifecycleBucketResult> Buckets, LifecycleCounters Totals, double ElapsedMs);

public sealed record LifecycleBucketResult(string Bucket, LifecycleBucketStatus Status, bool Resumed, LifecycleCounters Counters);

/// <summary>Counts of one bucket or one pass.</summary>
public sealed class LifecycleCounters
{
    public long VersionsScanned { get; set; }
    public long UploadsScanned { get; set; }
    public long Expired { get; set; }
    public long NoncurrentExpired { get; set; }
    public long DeleteMarkersRemoved { get; set; }
    public long Transitioned { get; set; }
    public long UploadsAborted { get; set; }
    public long RestoresEnded { get; set; }
    /// <summary>Restores still pending long after they were accepted (their job was lost), queued again.</summary>
    public long RestoresRequeued { get; set; }
    /// <summary>Actions not taken because the version or upload changed since it was read (a concurrent write won).</summary>
    public long Skipped { get; set; }
    /// <summary>Actions that threw; the next pass retries them.</summary>
    public long Failed { get; set; }
    /// <summary>Noncurrent versions due to expire but kept by an Object Lock retention or legal hold (docs/object-lock.md).</summary>
    public long HeldByObjectLock { get; set; }

    public void Add(LifecycleCounters other)
    {
        VersionsScanned += other.VersionsScanned;
        UploadsScanned += other.UploadsScanned;
        Expired += other.Expired;
        NoncurrentExpired += other.NoncurrentExpired;
        DeleteMarkersRemoved += other.DeleteMarkersRemoved;
        Transitioned += other.Transitioned;
        UploadsAborted += other.UploadsAborted;
        RestoresEnded += other.RestoresEnded;
        RestoresRequeued += other.RestoresRequeued;
        Skipped += other.Skipped;
        Failed += other.Failed;
        HeldByObjectLock += other.HeldByObjectLock;
    }
}
