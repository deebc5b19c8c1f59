namespace ObjectStore.Background;

/// <summary>What a bucket's rules (or a proposed rule set) would do, without doing it.</summary>
/// <param name="EvaluatedAt">The instant the rules were evaluated at (now, or now plus the requested rule days).</param>
/// <param name="RuleDay">The length of a rule day (OBJECTSTORE_LIFECYCLE_DAY).</param>
/// <param name="Source">"bucket" (its stored rules) or "proposed" (a rule set sent with the request).</param>
/// <param name="Report">The same as a text table, line by line (what the command line prints first).</param>
public sealed record DryRunReport(
    string Bucket,
    DateTimeOffset EvaluatedAt,
    string RuleDay,
    string Source,
    IReadOnlyList<DryRunRule> Rules,
    IReadOnlyList<DryRunStorageClass> Before,
    IReadOnlyList<DryRunStorageClass> After,
    string Currency,
    decimal MonthlyCostBefore,
    decimal MonthlyCostAfter,
    IReadOnlyList<string> Report)
{
    /// <summary>Versions the rules would expire that Object Lock keeps (docs/object-lock.md).</summary>
    public DryRunObjectLock ObjectLock { get; init; } = new(0, 0, null, 0);
}

/// <param name="Versions">Versions due to expire but held by a retention or legal hold.</param>
/// <param name="Bytes">Their object bytes.</param>
/// <param name="RetainedUntil">The latest retention date among them (null when only legal holds keep them).</param>
/// <param name="LegalHolds">How many of them a legal hold keeps (until it is released, whatever the date).</param>
public sealed record DryRunObjectLock(long Versions, long Bytes, DateTimeOffset? RetainedUntil, long LegalHolds);

public sealed record DryRunRule(string Id, string Status, string Filter, IReadOnlyList<DryRunAction> Actions);

/// <param name="Action">e.g. "Expiration", "Transition to GLACIER", "NoncurrentVersionExpiration", "AbortIncompleteMultipartUpload".</param>
public sealed record DryRunAction(string Action, long Objects, long Versions, long Uploads, long Bytes);

/// <param name="Profile">The erasure profile the class maps to ("k+m").</param>
/// <param name="LogicalBytes">Object bytes of current versions.</param>
/// <param name="NoncurrentBytes">Object bytes of noncurrent versions.</param>
/// <param name="UploadBytes">Bytes of parts of incomplete multipart uploads.</param>
/// <param name="StoredBytes">All of these times the profile's overhead (k+m)/k: what the shards take.</param>
public sealed record DryRunStorageClass(
    string StorageClass,
    string Profile,
    long Objects,
    long NoncurrentVersions,
    long LogicalBytes,
    long NoncurrentBytes,
    long UploadBytes,
    long StoredBytes,
    decimal MonthlyCost);
