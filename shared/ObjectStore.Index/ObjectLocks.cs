namespace ObjectStore.Index;

/// <summary>
/// Object Lock (WORM) as the index enforces it. Every path that removes a version row (a delete by
/// version id, a delete marker or write that replaces the null version, lifecycle expiration, the admin
/// API) goes through <see cref="IObjectIndex.DeleteObjectAsync"/> or <see cref="IObjectIndex.PutObjectAsync"/>,
/// which judge the stored row with <see cref="Holds"/> at commit time and answer
/// <see cref="IndexWriteResult.Locked"/>; data is only ever collected once no version row names it, so
/// nothing else can delete a locked version's bytes. See docs/object-lock.md.
/// </summary>
public static class ObjectLocks
{
    public const string Governance = "GOVERNANCE";
    public const string Compliance = "COMPLIANCE";

    public static bool IsMode(string? mode) => mode is Governance or Compliance;

    /// <summary>
    /// The version may not be removed at <paramref name="now"/>: a legal hold, or a retention date still ahead
    /// (GOVERNANCE gives way to <paramref name="bypassGovernance"/>; COMPLIANCE never does).
    /// </summary>
    public static bool Holds(ObjectRecord version, DateTimeOffset now, bool bypassGovernance = false)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (version.IsDeleteMarker)
            return false;
        if (version.ObjectLockLegalHold == true)
            return true;
        return IsRetained(version, now) && !(bypassGovernance && version.ObjectLockMode == Governance);
    }

    /// <summary>A retention date is set and still ahead of <paramref name="now"/>.</summary>
    public static bool IsRetained(ObjectRecord version, DateTimeOffset now) =>
        version.ObjectLockRetainUntil is { } until && IsMode(version.ObjectLockMode) && until > now;

    /// <summary>
    /// Whether a retention of <paramref name="version"/> may become (<paramref name="mode"/>, <paramref name="until"/>)
    /// (both null: removed). An expired retention may be replaced by anything. COMPLIANCE in force may only be
    /// extended, by nobody shortened or weakened. GOVERNANCE in force may be extended or turned into COMPLIANCE;
    /// shortening or removing it needs <paramref name="bypassGovernance"/>.
    /// </summary>
    public static bool MayChangeRetention(ObjectRecord version, string? mode, DateTimeOffset? until, DateTimeOffset now, bool bypassGovernance)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (!IsRetained(version, now))
            return true;
        var extends = mode is not null && until is { } next && next >= version.ObjectLockRetainUntil!.Value;
        return version.ObjectLockMode == Compliance
            ? extends && mode == Compliance
            : extends || bypassGovernance;
    }

    /// <summary>The version with the change applied (unchanged parts kept).</summary>
    public static ObjectRecord Apply(ObjectRecord version, ObjectLockChange change)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(change);
        var changed = version;
        if (change.Retention is { } retention)
            changed = changed with { ObjectLockMode = retention.Mode, ObjectLockRetainUntil = retention.RetainUntil };
        if (change.LegalHold is { } hold)
            changed = changed with { ObjectLockLegalHold = hold };
        return changed;
    }

    /// <summary>Whether <paramref name="change"/> may be applied to <paramref name="version"/> at <paramref name="now"/>.</summary>
    public static bool MayApply(ObjectRecord version, ObjectLockChange change, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.Retention is not { } retention
            || MayChangeRetention(version, retention.Mode, retention.RetainUntil, now, change.BypassGovernance);
    }

    /// <summary>The lock fields of two records are the same.</summary>
    public static bool SameLock(ObjectRecord a, ObjectRecord b) =>
        a.ObjectLockMode == b.ObjectLockMode && a.ObjectLockRetainUntil == b.ObjectLockRetainUntil && a.ObjectLockLegalHold == b.ObjectLockLegalHold;
}

/// <summary>A retention: mode and date together, or both null (none).</summary>
public sealed record ObjectLockRetention(string? Mode, DateTimeOffset? RetainUntil);

/// <summary>
/// PutObjectRetention (<paramref name="Retention"/>) or PutObjectLegalHold (<paramref name="LegalHold"/>) of one version.
/// </summary>
/// <param name="BypassGovernance">The caller sent x-amz-bypass-governance-retention: true and is allowed s3:BypassGovernanceRetention.</param>
/// <param name="LegalHold">ON (true) or OFF (false); null leaves the version's hold as it is.</param>
public sealed record ObjectLockChange(ObjectLockRetention? Retention, bool? LegalHold, bool BypassGovernance = false);
