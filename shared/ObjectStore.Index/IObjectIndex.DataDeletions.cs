namespace ObjectStore.Index;

/// <summary>
/// Deferred deletion of data (docs/index-schema.md, "Pending data deletions"). A GET that has
/// started must finish with the bytes it started on, but it opens later parts and stripes lazily,
/// so data a write stops referencing is not deleted at once: the write records it as a pending
/// deletion in the same transaction that unreferences it (a removed version's data and restored
/// copy, in <see cref="PutObjectAsync"/> and <see cref="DeleteObjectAsync"/>; the layouts a
/// <see cref="UpdateVersionAsync"/> caller names). A background collector deletes the data once the
/// grace period is over, then the record. A crash can neither lose a record (it commits with the
/// change) nor delete referenced data (a record exists only once nothing references its data).
/// </summary>
public partial interface IObjectIndex
{
    /// <summary>
    /// Pending deletions of <paramref name="bucket"/> after position <paramref name="after"/> (null:
    /// from the start), oldest first, at most <paramref name="max"/>. The page's
    /// <see cref="DataDeletionPage.NextAfter"/> resumes behind the last one.
    /// </summary>
    Task<DataDeletionPage> ListDataDeletionsAsync(string bucket, string? after, int max, CancellationToken cancellationToken);

    /// <summary>Removes records whose data is deleted (already gone is fine).</summary>
    Task DeleteDataDeletionsAsync(IReadOnlyList<DataDeletion> deletions, CancellationToken cancellationToken);

    /// <summary>
    /// Deleted buckets whose partitions may still hold pending deletions (and the part rows of the
    /// multipart objects they name): <see cref="DeleteBucketAsync"/> notes a bucket here before it
    /// deletes it if it has any, so the collector still reaches them. Pending deletions never keep a
    /// bucket from being deleted.
    /// </summary>
    IAsyncEnumerable<string> ListRetiredBucketsAsync(CancellationToken cancellationToken);

    /// <summary>Drops the note of a retired bucket once the collector found nothing left in it (or the name is a bucket again).</summary>
    Task ForgetRetiredBucketAsync(string bucket, CancellationToken cancellationToken);
}

/// <summary>Data nothing references any more, to delete once its grace period is over.</summary>
/// <param name="Bucket">The bucket (partition) the record lives in.</param>
/// <param name="Id">Opaque id of the record within its bucket (oldest sorts first).</param>
/// <param name="DataLayout">The serialized layout of the data (a multipart object's layout names its upload's parts).</param>
/// <param name="Size">Object bytes the data holds (0 when unknown).</param>
/// <param name="UnreferencedAt">When the change that unreferenced it committed.</param>
/// <param name="Key">The key whose version held it (for logs).</param>
/// <param name="VersionId">That version.</param>
public sealed record DataDeletion(string Bucket, string Id, string DataLayout, long Size, DateTimeOffset UnreferencedAt, string Key, string? VersionId);

/// <param name="Deletions">The records, oldest first.</param>
/// <param name="NextAfter">Where the next page starts, or null when the bucket has no more.</param>
public sealed record DataDeletionPage(IReadOnlyList<DataDeletion> Deletions, string? NextAfter);
