namespace ObjectStore.Lifecycle;

/// <summary>
/// Lifecycle time: how long a rule "day" is and when a count of days from an instant falls due.
/// With the real 24-hour day, S3's rule applies: the due time is rounded up to the next midnight
/// UTC (an object written at 10:30 with Days=1 expires at midnight after the next day). A shorter
/// day (<c>OBJECTSTORE_LIFECYCLE_DAY</c>, for tests and demos) is counted exactly, without rounding.
/// </summary>
public sealed record RuleClock(TimeSpan DayLength)
{
    public static readonly RuleClock Standard = new(TimeSpan.FromDays(1));

    public bool IsStandardDay => DayLength == TimeSpan.FromDays(1);

    /// <summary>When <paramref name="days"/> rule days after <paramref name="from"/> fall due.</summary>
    public DateTimeOffset DueAt(DateTimeOffset from, int days)
    {
        if (!IsStandardDay)
            return from + DayLength * days;
        var midnight = new DateTimeOffset(from.UtcDateTime.Date, TimeSpan.Zero);
        return midnight.AddDays(days + 1);
    }

    /// <summary>The expiry of a restored copy kept <paramref name="days"/> rule days from <paramref name="now"/>.</summary>
    public DateTimeOffset RestoreExpiry(DateTimeOffset now, int days) => DueAt(now, days);
}

/// <summary>Settings of the lifecycle pass (read from the OBJECTSTORE_LIFECYCLE_* settings by the host).</summary>
public sealed class LifecycleOptions
{
    /// <summary>Length of one rule day (Days, NoncurrentDays, DaysAfterInitiation, restore Days).</summary>
    public TimeSpan DayLength { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Versions (or uploads) handled between two cursor checkpoints.</summary>
    public int BatchSize { get; set; } = 250;

    /// <summary>The lease a pass holds on a bucket; renewed at every checkpoint.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A pass stops (keeping its cursor) after this long, to fit a Functions invocation; null: no limit.</summary>
    public TimeSpan? PassTimeLimit { get; set; }

    /// <summary>A restore still pending this long after it was accepted lost its job: the pass queues it again.</summary>
    public TimeSpan PendingRestoreRequeueAfter { get; set; } = TimeSpan.FromMinutes(15);

    public RuleClock Clock => new(DayLength);
}
