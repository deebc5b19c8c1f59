namespace ObjectStore.Background;

/// <summary>Settings of the usage pass (README: "Usage and cost").</summary>
public sealed record UsageOptions
{
    /// <summary>Versions or uploads read per index page; the cursor and the partial counts are saved after each.</summary>
    public int PageSize { get; init; } = 1000;

    /// <summary>How long a pass holds a bucket without a checkpoint.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A pass stops (keeping its cursors) after this long; the next one resumes. Null: no limit.</summary>
    public TimeSpan? MaxPassDuration { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>Uploads started longer ago than this are flagged as leaks.</summary>
    public TimeSpan StaleUploadAge { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Noncurrent bytes over this share of a bucket's logical bytes are flagged.</summary>
    public double NoncurrentShareWarning { get; init; } = 0.5;

    /// <summary>Outbox rows counted per bucket (the backlog is reported as "at least" this many beyond it).</summary>
    public int OutboxScanLimit { get; init; } = 1000;

    public string? Validate() =>
        PageSize is < 1 or > 5000 ? "The usage page size must be 1 to 5000."
        : NoncurrentShareWarning is < 0 or > 1 ? "The noncurrent share must be between 0 and 1."
        : StaleUploadAge <= TimeSpan.Zero ? "The stale upload age must be positive."
        : null;
}
