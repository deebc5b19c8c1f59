namespace ObjectStore.Index;

/// <summary>
/// Multipart uploads: one upload row per upload (initiation metadata and a state) and one part row
/// per uploaded part, all in the bucket's partition. A part commits in one transaction with a
/// conditional touch of its upload row, so sealing the upload row (a state change under If-Match)
/// stops every later part commit. Schema: docs/index-schema.md.
/// </summary>
public partial interface IObjectIndex
{
    /// <summary>Adds a new upload row; <see cref="IndexWriteResult.AlreadyExists"/> when the id is taken.</summary>
    Task<IndexWriteResult> CreateUploadAsync(UploadRecord upload, CancellationToken cancellationToken);

    /// <summary>The upload row, or null.</summary>
    Task<UploadRecord?> GetUploadAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the upload row if its <see cref="UploadRecord.ConcurrencyToken"/> still matches (a state
    /// change: seal for completion, abort, reopen); returns the stored record with its new token, or
    /// null with the result (NotFound, ConditionFailed).
    /// </summary>
    Task<(IndexWriteResult Result, UploadRecord? Stored)> UpdateUploadAsync(UploadRecord upload, CancellationToken cancellationToken);

    /// <summary>Deletes the upload row if its token still matches.</summary>
    Task<IndexWriteResult> DeleteUploadAsync(UploadRecord upload, CancellationToken cancellationToken);

    /// <summary>
    /// Commits a part row together with a touch of its upload row, in one transaction, while the upload
    /// is <see cref="UploadState.Open"/>. A part of the same number is replaced; the outcome names it so
    /// the caller deletes its data. <see cref="IndexWriteResult.NotFound"/> when the upload is gone or
    /// no longer open (sealed for completion or being aborted).
    /// </summary>
    Task<PartWriteOutcome> CommitPartAsync(PartRecord part, CancellationToken cancellationToken);

    /// <summary>The part rows of an upload in part-number order, starting after <paramref name="afterPartNumber"/>.</summary>
    IAsyncEnumerable<PartRecord> ListPartsAsync(string bucket, string uploadId, int afterPartNumber, CancellationToken cancellationToken);

    /// <summary>Deletes these part rows (by bucket, upload id and part number); rows already gone are not an error.</summary>
    Task DeletePartsAsync(IReadOnlyList<PartRecord> parts, CancellationToken cancellationToken);

    /// <summary>One page of upload rows in S3 order (key, then initiation), with prefix/delimiter roll-up.</summary>
    Task<UploadListing> ListUploadsAsync(UploadListRequest request, CancellationToken cancellationToken);
}

public enum UploadState
{
    /// <summary>Parts may be uploaded.</summary>
    Open,
    /// <summary>Sealed by a CompleteMultipartUpload: no part commits any more.</summary>
    Completing,
    /// <summary>Being aborted: parts are being deleted.</summary>
    Aborting,
}

/// <summary>An upload as CreateMultipartUpload initiated it.</summary>
public sealed record UploadRecord(
    string Bucket,
    string Key,
    string UploadId,
    DateTimeOffset Initiated,
    string StorageClass)
{
    public UploadState State { get; init; } = UploadState.Open;
    /// <summary>When the state last changed (a completion that died is recognised by its age).</summary>
    public DateTimeOffset StateChanged { get; init; }
    /// <summary>While completing: the ETag the sealed completion will commit (identifies its part list).</summary>
    public string? CompletingETag { get; init; }
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> UserMetadata { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    /// <summary>x-amz-checksum-algorithm at initiation (CRC32, ...), or null.</summary>
    public string? ChecksumAlgorithm { get; init; }
    /// <summary>x-amz-checksum-type at initiation (COMPOSITE or FULL_OBJECT), or null.</summary>
    public string? ChecksumType { get; init; }
    public string Owner { get; init; } = "";
    /// <summary>Encryption chosen at initiation (every part is encrypted under it; the object inherits it); null when none.</summary>
    public string? Encryption { get; init; }
    public string? ConcurrencyToken { get; init; }
    /// <summary>The x-amz-object-lock-* request at initiation (opaque to the index), applied at completion; null when none.</summary>
    public string? ObjectLock { get; init; }
    /// <summary>The ACL given at initiation (x-amz-acl, x-amz-grant-*), applied to the object at completion; null: the default.</summary>
    public string? Acl { get; init; }
}

/// <summary>One uploaded part: its own erasure-coded data.</summary>
/// <param name="Key">The upload's key (lets the repair scan find the object that may reference the part).</param>
/// <param name="ETag">Quoted hex MD5 of the part.</param>
/// <param name="DataLayout">The serialized data layout of the part's shards.</param>
public sealed record PartRecord(
    string Bucket,
    string Key,
    string UploadId,
    int PartNumber,
    long Size,
    string ETag,
    DateTimeOffset LastModified,
    string DataLayout)
{
    public string? ChecksumAlgorithm { get; init; }
    public string? ChecksumValue { get; init; }
}

/// <param name="Replaced">The part row of the same number this commit replaced, if any.</param>
public sealed record PartWriteOutcome(IndexWriteResult Result, PartRecord? Replaced);

/// <param name="KeyMarker">List uploads of keys after this one (or of this key after <paramref name="UploadIdMarker"/>).</param>
public sealed record UploadListRequest(string Bucket, string Prefix, string? Delimiter, string? KeyMarker, string? UploadIdMarker, int MaxUploads);

/// <param name="NextKeyMarker">Key of the last upload or the last common prefix returned, when truncated.</param>
/// <param name="NextUploadIdMarker">Upload id of the last upload returned, when truncated (null after a common prefix).</param>
public sealed record UploadListing(
    IReadOnlyList<UploadRecord> Uploads,
    IReadOnlyList<string> CommonPrefixes,
    bool IsTruncated,
    string? NextKeyMarker,
    string? NextUploadIdMarker);
