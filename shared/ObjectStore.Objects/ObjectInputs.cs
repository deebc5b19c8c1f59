using ObjectStore.Index;

namespace ObjectStore.Objects;

/// <summary>What a new object version should carry, as parsed from a PutObject (or a CopyObject with REPLACE).</summary>
/// <param name="Headers">Content-Type, Content-Encoding, Cache-Control ... to store and return.</param>
/// <param name="UserMetadata">x-amz-meta-* without the prefix, names lower-cased.</param>
/// <param name="StorageClass">Requested storage class, or null for STANDARD.</param>
internal sealed record ObjectAttributes(
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, string> UserMetadata,
    IReadOnlyList<KeyValuePair<string, string>> Tags,
    string? StorageClass)
{
    /// <summary>x-amz-server-side-encryption (SSE-S3) or the SSE-C headers; null: the bucket's (or server's) default.</summary>
    public Encryption.SseRequest? Encryption { get; init; }
    /// <summary>x-amz-object-lock-mode, -retain-until-date and -legal-hold; null when none was sent.</summary>
    public ObjectLockRequest? ObjectLock { get; init; }
    /// <summary>x-amz-acl or x-amz-grant-* (a POST form's acl); null: the default, full control for the owner.</summary>
    public AclRequest? Acl { get; init; }
}

/// <summary>The body of a PutObject and what to verify it against.</summary>
/// <param name="Length">The declared payload length, or <see cref="UnknownLength"/> when only the stream's end tells (a POST form's file).</param>
/// <param name="ExpectedMd5">The decoded Content-MD5, if sent.</param>
/// <param name="Checksum">
/// Called once the body has been read to its end: the verified flexible checksum (algorithm, base64
/// value) to store, or null. Throws an S3 exception when the checksum does not match.
/// </param>
internal sealed record ObjectBody(Stream Stream, long Length, byte[]? ExpectedMd5, Func<(string Algorithm, string Value)?>? Checksum)
{
    public const long UnknownLength = -1;
}

/// <summary>A CopyObject: the (already condition-checked) source and what the destination gets.</summary>
/// <param name="ReplaceMetadata">x-amz-metadata-directive: REPLACE (use <paramref name="Attributes"/> headers and metadata).</param>
/// <param name="ReplaceTags">x-amz-tagging-directive: REPLACE (use <paramref name="Attributes"/> tags).</param>
internal sealed record CopySpec(
    ObjectRecord Source,
    string Bucket,
    string Key,
    ObjectAttributes Attributes,
    bool ReplaceMetadata,
    bool ReplaceTags,
    WriteCondition Condition)
{
    /// <summary>The copy source named a version (x-amz-copy-source ?versionId=): copying it onto its own key restores it.</summary>
    public bool SourceVersionNamed { get; init; }
}

/// <param name="VersionId">The version removed or the delete marker created (null in an unversioned bucket).</param>
/// <param name="IsDeleteMarker">A delete marker was created or removed.</param>
internal sealed record DeleteResult(string? VersionId, bool IsDeleteMarker);
