namespace ObjectStore.Index;

/// <summary>
/// Where background passes (lifecycle, repair, the event sweep) keep their progress, so a pass
/// cut short by a Functions time limit or a crash resumes from its cursor, and where they take
/// leases, so two instances never scan the same scope at once. Every write is conditional.
/// </summary>
public interface IScanStateStore
{
    /// <summary>Creates the table (idempotent).</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>The saved state of one scope of a pass; null when it never ran there.</summary>
    Task<ScanState?> GetAsync(string pass, string scope, CancellationToken cancellationToken);

    /// <summary>Every saved scope of a pass, in scope order.</summary>
    IAsyncEnumerable<ScanState> ListAsync(string pass, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the lease on (<paramref name="pass"/>, <paramref name="scope"/>) for <paramref name="owner"/>
    /// unless another owner holds one that has not expired (null then). The returned state carries the
    /// saved cursor to resume from and the concurrency token later calls need.
    /// </summary>
    Task<ScanState?> TryAcquireAsync(string pass, string scope, string owner, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>
    /// Saves <paramref name="cursor"/> (and <paramref name="data"/> when given) and extends the lease.
    /// Returns the new state, or null when the lease was lost (it expired and another owner took it).
    /// </summary>
    Task<ScanState?> CheckpointAsync(ScanState held, string? cursor, IReadOnlyDictionary<string, string>? data, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>
    /// Ends the lease. <paramref name="completed"/> clears the cursor and records
    /// <see cref="ScanState.LastCompletedAt"/>; otherwise the cursor stays for the next run.
    /// Returns false when the lease had been lost already.
    /// </summary>
    Task<bool> ReleaseAsync(ScanState held, bool completed, IReadOnlyDictionary<string, string>? data, CancellationToken cancellationToken);
}

/// <param name="Pass">The background pass ("lifecycle", "repair" ...).</param>
/// <param name="Scope">What part of the store it covers: a bucket name, or <see cref="WholeStore"/>.</param>
/// <param name="Cursor">Where to resume; null to start from the beginning.</param>
/// <param name="LeaseOwner">The instance holding the lease, if any.</param>
/// <param name="LeaseExpiresAt">When that lease lapses.</param>
/// <param name="LastCompletedAt">When a pass over this scope last ran to its end.</param>
/// <param name="Data">The pass's own small values (counters, the time a pass started ...).</param>
public sealed record ScanState(
    string Pass,
    string Scope,
    string? Cursor,
    string? LeaseOwner,
    DateTimeOffset? LeaseExpiresAt,
    DateTimeOffset? LastCompletedAt,
    IReadOnlyDictionary<string, string> Data)
{
    /// <summary>The scope of a pass over the whole store.</summary>
    public const string WholeStore = "*";

    /// <summary>Opaque concurrency token of the stored entity (its Table ETag).</summary>
    public string? ConcurrencyToken { get; init; }
}
