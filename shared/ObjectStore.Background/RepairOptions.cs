namespace ObjectStore.Background;

/// <summary>How the repair pass runs (app settings OBJECTSTORE_REPAIR_*, documented in the README).</summary>
public sealed record RepairOptions
{
    /// <summary>Share of the data whose every block checksum a pass verifies (the rest gets a presence, header and length check). 0..1.</summary>
    public double VerifyFraction { get; init; } = 0.1;

    /// <summary>A shard file no index entry owns is removed only once it has not been written for this long.</summary>
    public TimeSpan OrphanGracePeriod { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Data a change stopped referencing (an overwrite, a delete, a lifecycle expiration or transition,
    /// an expired restored copy) is deleted only this long after that change, so a read that started
    /// before it finishes (Ceph RGW's garbage collector waits two hours by default).
    /// </summary>
    public TimeSpan DataDeleteGrace { get; init; } = TimeSpan.FromHours(2);

    /// <summary>Pending deletions a pass collects at most (the rest wait for the next run).</summary>
    public int MaxDataDeletionsPerPass { get; init; } = 2000;

    /// <summary>Index rows checked between two checkpoints of the cursor.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>Pieces of data checked at once.</summary>
    public int Parallelism { get; init; } = 2;

    /// <summary>
    /// A pass stops (keeping its cursor) once it has run this long, so one timer invocation stays
    /// within the Functions time limit; the next invocation resumes where it stopped.
    /// </summary>
    public TimeSpan MaxPassDuration { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>How long the pass's lease lasts without a checkpoint (another instance may take over after).</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>At most this many orphan candidates are collected per pass (memory bound); the rest wait for the next pass.</summary>
    public int MaxOrphanCandidates { get; init; } = 100_000;

    /// <summary>
    /// The durable queue of heal-on-read requests. Hosts name it after the deployment's table prefix
    /// ("{prefix}-repair"), so deployments sharing a storage account never drain each other's.
    /// </summary>
    public string HealQueueName { get; init; } = "objectstore-repair";

    /// <summary>Heal-on-read requests handled at the start of each pass, at most.</summary>
    public int MaxHealRequestsPerPass { get; init; } = 1000;

    public void Validate()
    {
        if (VerifyFraction is < 0 or > 1 || double.IsNaN(VerifyFraction))
            throw new ArgumentException("The repair verify fraction must be between 0 and 1.");
        if (OrphanGracePeriod < TimeSpan.Zero)
            throw new ArgumentException("The orphan grace period must not be negative.");
        if (DataDeleteGrace < TimeSpan.Zero)
            throw new ArgumentException("The data delete grace period must not be negative.");
        if (MaxDataDeletionsPerPass < 1)
            throw new ArgumentException("The pending deletions collected per pass must be positive.");
        if (BatchSize < 1 || Parallelism < 1 || MaxOrphanCandidates < 1 || MaxHealRequestsPerPass < 0)
            throw new ArgumentException("Repair batch size, parallelism and orphan candidates must be positive.");
        if (MaxPassDuration <= TimeSpan.Zero || LeaseDuration <= TimeSpan.Zero)
            throw new ArgumentException("Repair pass duration and lease duration must be positive.");
    }
}
