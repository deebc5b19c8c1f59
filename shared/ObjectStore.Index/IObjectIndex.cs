using ObjectStore.Index.Events;

namespace ObjectStore.Index;

/// <summary>
/// The metadata plane: buckets and the key index. Every write that depends on what was read is
/// conditional, so several gateway instances never lose an update. Listings are in S3 order
/// (UTF-8 byte order of keys) for any key S3 allows.
/// </summary>
public partial interface IObjectIndex
{
    /// <summary>Creates the tables the index needs (idempotent).</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    Task<BucketRecord?> GetBucketAsync(string bucket, CancellationToken cancellationToken);

    /// <summary>Returns false when a bucket of that name exists already.</summary>
    Task<bool> TryCreateBucketAsync(BucketRecord bucket, CancellationToken cancellationToken);

    /// <summary>Replaces the bucket record if its <see cref="BucketRecord.ConcurrencyToken"/> still matches.</summary>
    Task<IndexWriteResult> UpdateBucketAsync(BucketRecord bucket, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes an empty bucket; <see cref="IndexWriteResult.NotEmpty"/> if it has objects or uploads (pending
    /// data deletions do not count: the bucket is noted for the collector, <see cref="ListRetiredBucketsAsync"/>).
    /// </summary>
    Task<IndexWriteResult> DeleteBucketAsync(string bucket, CancellationToken cancellationToken);

    IAsyncEnumerable<BucketRecord> ListBucketsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The latest version of a key (which may be a delete marker: <see cref="ObjectRecord.IsDeleteMarker"/>),
    /// or, with <paramref name="versionId"/>, that version ("null" names the null version); null if none.
    /// </summary>
    Task<ObjectRecord?> GetObjectAsync(string bucket, string key, string? versionId, CancellationToken cancellationToken);

    /// <summary>
    /// Makes <paramref name="record"/> the latest version of its key, if <paramref name="condition"/>
    /// holds at commit time. The index assigns the version id (<paramref name="versioning"/> Enabled: a
    /// new time-ordered id; otherwise "null", replacing the null version). Returns the committed record
    /// and the versions that ceased to exist (their data and restored copies are recorded as pending deletions
    /// in the same transaction, unless the committed record names the same layout). <paramref name="events"/>
    /// are recorded as outbox rows in the same transaction (returned in <see cref="ObjectWriteOutcome.Events"/>).
    /// </summary>
    /// <remarks>Replacing a null version that <see cref="ObjectLocks.Holds"/> answers <see cref="IndexWriteResult.Locked"/>.</remarks>
    Task<ObjectWriteOutcome> PutObjectAsync(ObjectRecord record, WriteCondition condition, BucketVersioning versioning, CancellationToken cancellationToken,
        IReadOnlyList<ObjectEvent>? events = null);

    /// <summary>
    /// Without <paramref name="versionId"/>: in an unversioned bucket removes the key; otherwise adds a
    /// delete marker as the latest version (returned as <see cref="ObjectWriteOutcome.Committed"/>).
    /// With it: removes that version (the next newer one becomes latest). Removed versions are returned; their
    /// data is recorded as pending deletions in the same transaction.
    /// <paramref name="events"/> are recorded in the same transaction, as with <see cref="PutObjectAsync"/>.
    /// </summary>
    /// <remarks>Object Lock: a version the write would remove that <see cref="ObjectLocks.Holds"/> at commit time (on the
    /// index's clock) is not removed: the answer is <see cref="IndexWriteResult.Locked"/> and nothing is written (no event).
    /// <paramref name="bypassGovernance"/>: the caller checked x-amz-bypass-governance-retention and s3:BypassGovernanceRetention.</remarks>
    Task<ObjectWriteOutcome> DeleteObjectAsync(string bucket, string key, string? versionId, WriteCondition condition, BucketVersioning versioning, CancellationToken cancellationToken,
        IReadOnlyList<ObjectEvent>? events = null, bool bypassGovernance = false);

    /// <summary>
    /// PutObjectRetention / PutObjectLegalHold: changes the lock of the latest version (or of <paramref name="versionId"/>),
    /// judged on the stored row at commit time (<see cref="ObjectLocks.MayApply"/>, the index's clock): Locked when
    /// the change would shorten or remove a retention in force without the right; NotFound when the version is
    /// missing or a delete marker. Nothing else of the version changes.
    /// </summary>
    Task<ObjectWriteOutcome> UpdateObjectLockAsync(string bucket, string key, string? versionId, ObjectLockChange change, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the tags of the latest version (or of <paramref name="versionId"/>); the data is untouched.
    /// <paramref name="events"/> are recorded in the same transaction.
    /// </summary>
    Task<ObjectWriteOutcome> UpdateTagsAsync(string bucket, string key, string? versionId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken,
        IReadOnlyList<ObjectEvent>? events = null);

    /// <summary>
    /// Replaces one version's data placement or restore state (a lifecycle transition, a restore):
    /// <paramref name="change"/> gets the stored record and returns the new one (only StorageClass,
    /// DataLayout, RestoreExpiry, RestoreLayout, Encryption (a master-key re-wrap) and Acl (PutObjectAcl) may differ). Conditional: the version's row must
    /// still hold <paramref name="expectedDataLayout"/> and <paramref name="expectedRestoreLayout"/>, and
    /// the key's current row must be unchanged since it was read, else ConditionFailed (a concurrent
    /// write wins). NotFound when the version is gone. A <paramref name="change"/> that returns the very
    /// record it got writes nothing and answers ConditionFailed. <paramref name="events"/>
    /// (s3:LifecycleTransition, s3:ObjectRestore:*) are recorded in the outbox in the same transaction.
    /// <paramref name="unreferencedLayouts"/>: the layouts the change stops referencing (the old data of a
    /// transition, an expired restored copy); each one the changed record no longer names is recorded as a
    /// pending deletion in the same transaction (<see cref="ListDataDeletionsAsync"/>). The index cannot tell
    /// a rewritten layout of the same data (a repair marker clear) from new data, so the caller says.
    /// </summary>
    Task<ObjectWriteOutcome> UpdateVersionAsync(string bucket, string key, string versionId, string expectedDataLayout, string? expectedRestoreLayout,
        Func<ObjectRecord, ObjectRecord> change, CancellationToken cancellationToken, IReadOnlyList<ObjectEvent>? events = null,
        IReadOnlyList<string>? unreferencedLayouts = null);

    /// <summary>One page of every version and delete marker, keys in S3 order, newest version first per key.</summary>
    Task<VersionListing> ListVersionsAsync(VersionListRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// One page of keys in S3 order. Listed records carry the listing fields and DataLayout but not
    /// Headers, UserMetadata or Tags (empty), nor InlineData (null); read those with <see cref="GetObjectAsync"/>.
    /// MaxKeys 0 returns nothing and IsTruncated false, as S3 does. Keys sharing a prefix up to <see cref="ListRequest.Delimiter"/>
    /// are rolled up into one common prefix, and the scan skips past it instead of reading every key.
    /// </summary>
    Task<ObjectListing> ListObjectsAsync(ListRequest request, CancellationToken cancellationToken);
}

public enum IndexWriteResult
{
    Success,
    NotFound,
    ConditionFailed,
    NotEmpty,
    AlreadyExists,
    /// <summary>Object Lock: a retention or legal hold keeps the version (<see cref="ObjectLocks"/>).</summary>
    Locked,
}

/// <summary>A precondition checked atomically with a write.</summary>
public readonly record struct WriteCondition(WriteConditionKind Kind, string? ETag = null)
{
    public static WriteCondition None => new(WriteConditionKind.None);
    /// <summary>The key must not exist (If-None-Match: *).</summary>
    public static WriteCondition MustNotExist => new(WriteConditionKind.MustNotExist);
    /// <summary>The current version's S3 ETag must equal <paramref name="etag"/> (If-Match).</summary>
    public static WriteCondition ETagMatches(string etag) => new(WriteConditionKind.ETagMatches, etag);
    /// <summary>
    /// The row the write targets (the current row, or the version row named by id) must still have
    /// this <see cref="ObjectRecord.ConcurrencyToken"/>, delete markers included: lifecycle's "act only
    /// on what was read", so a concurrent client write wins.
    /// </summary>
    public static WriteCondition RowUnchanged(string concurrencyToken) => new(WriteConditionKind.RowUnchanged, concurrencyToken);
}

public enum WriteConditionKind { None, MustNotExist, ETagMatches, RowUnchanged }

/// <param name="Committed">The record as stored (with its version id), on success.</param>
/// <param name="Removed">Versions that no longer exist after the write (their data is pending deletion: the caller deletes nothing).</param>
public sealed record ObjectWriteOutcome(IndexWriteResult Result, ObjectRecord? Committed, IReadOnlyList<ObjectRecord> Removed)
{
    /// <summary>The outbox rows committed with the write (one per event passed in), for the relay's fast path.</summary>
    public IReadOnlyList<OutboxEvent> Events { get; init; } = [];

    public static ObjectWriteOutcome Failed(IndexWriteResult result) => new(result, null, []);
}

public sealed record BucketRecord(
    string Name,
    DateTimeOffset CreatedAt,
    string Region,
    string Owner)
{
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    /// <summary>"Enabled", "Suspended" or null when never enabled.</summary>
    public string? Versioning { get; init; }
    /// <summary>
    /// Bucket sub-resource documents by name (e.g. "lifecycle", "notification", "policy", "cors"),
    /// stored as given (XML or JSON). Names are ASCII letters and digits; each value at most 256K characters.
    /// </summary>
    public IReadOnlyDictionary<string, string> Configuration { get; init; } = new Dictionary<string, string>();
    /// <summary>Opaque concurrency token of the stored entity (its Table ETag); null for a new record.</summary>
    public string? ConcurrencyToken { get; init; }
}

/// <summary>One object version as the index stores it.</summary>
public sealed record ObjectRecord(
    string Bucket,
    string Key,
    string VersionId,
    long Size,
    string ETag,
    DateTimeOffset LastModified,
    string StorageClass,
    string DataLayout)
{
    /// <summary>Content-Type, Content-Encoding, Cache-Control ... as sent on PUT.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    /// <summary>x-amz-meta-* entries, names lower-cased without the prefix.</summary>
    public IReadOnlyDictionary<string, string> UserMetadata { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    /// <summary>Flexible checksum algorithm (CRC32, CRC32C, CRC64NVME, SHA1, SHA256) and its base64 value.</summary>
    public string? ChecksumAlgorithm { get; init; }
    public string? ChecksumValue { get; init; }
    public string Owner { get; init; } = "";
    /// <summary>A delete marker: a version with no data that hides the key.</summary>
    public bool IsDeleteMarker { get; init; }
    /// <summary>An archived version's temporary readable copy (RestoreObject) lasts until then; null when none.</summary>
    public DateTimeOffset? RestoreExpiry { get; init; }
    /// <summary>The serialized data layout of that copy.</summary>
    public string? RestoreLayout { get; init; }
    /// <summary>When a RestoreObject was accepted whose copy is not made yet (x-amz-restore ongoing-request="true"); null when none is pending.</summary>
    public DateTimeOffset? RestoreRequestedAt { get; init; }
    /// <summary>The days that pending restore asked for.</summary>
    public int? RestoreDays { get; init; }
    /// <summary>
    /// Encryption at rest of the version's data (algorithm, context id, wrapped data key or customer key
    /// MD5, format version) as one opaque string the S3 layer writes and reads; null when not encrypted
    /// (every record written before encryption existed). See docs/encryption.md.
    /// </summary>
    public string? Encryption { get; init; }
    public string? ConcurrencyToken { get; init; }
    /// <summary>Object Lock retention mode (<see cref="ObjectLocks.Governance"/> or <see cref="ObjectLocks.Compliance"/>); null when none.</summary>
    public string? ObjectLockMode { get; init; }
    /// <summary>Object Lock retention date; the version cannot be removed before it (docs/object-lock.md).</summary>
    public DateTimeOffset? ObjectLockRetainUntil { get; init; }
    /// <summary>
    /// Object Lock legal hold: the version cannot be removed while it is on (true), whatever its retention.
    /// false: a hold was set OFF (put and lifted, or written OFF); null: the version never had one, which
    /// GetObjectLegalHold answers with NoSuchObjectLockConfiguration, as S3.
    /// </summary>
    public bool? ObjectLockLegalHold { get; init; }
    /// <summary>
    /// The version's stored bytes (ciphertext when encrypted) when they live in its index row, for
    /// <see cref="DataLayout"/> an <see cref="InlineLayout"/>; null otherwise, and null in listings (read the
    /// version with <see cref="IObjectIndex.GetObjectAsync"/> for its bytes). At most <see cref="InlineLayout.MaxStoredBytes"/>.
    /// </summary>
    public ReadOnlyMemory<byte>? InlineData { get; init; }
    /// <summary>
    /// The version's access control list (grants beside the owner's) as one opaque string the object layer
    /// writes and reads; null: the default, full control for <see cref="Owner"/> only.
    /// </summary>
    public string? Acl { get; init; }
}

/// <param name="StartAfter">List keys strictly after this one (marker / start-after / decoded continuation token).</param>
public sealed record ListRequest(string Bucket, string Prefix, string? Delimiter, string? StartAfter, int MaxKeys);

/// <param name="Entries">Objects and common prefixes interleaved in S3 order, at most MaxKeys in all.</param>
/// <param name="IsTruncated">More keys follow.</param>
/// <param name="NextStartAfter">The last key or common prefix returned, when truncated.</param>
public sealed record ObjectListing(
    IReadOnlyList<ObjectRecord> Objects,
    IReadOnlyList<string> CommonPrefixes,
    bool IsTruncated,
    string? NextStartAfter);
