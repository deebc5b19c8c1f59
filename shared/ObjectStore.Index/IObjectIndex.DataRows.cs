namespace ObjectStore.Index;

/// <summary>
/// The rows that own stored data, for background scans (repair): every version row with data and
/// every multipart part row, one bucket at a time, in a stable order with a resumable position.
/// </summary>
public partial interface IObjectIndex
{
    /// <summary>
    /// Up to <paramref name="maxRows"/> data-owning rows of <paramref name="bucket"/> after position
    /// <paramref name="after"/> (null: from the start): part rows (of open, completing and completed
    /// uploads alike) and version rows, each once, in an order that does not change between pages. Delete markers have no data and inline versions
    /// (<see cref="InlineLayout"/>) none outside their row: both are skipped. Rows read carry
    /// only what a scan needs (no headers, metadata or tags).
    /// </summary>
    Task<DataRowPage> ListDataRowsAsync(string bucket, string? after, int maxRows, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the data layout of a part row a scan returned, if that row still holds
    /// <paramref name="part"/>'s layout (checked and written under the row's ETag, so a part
    /// uploaded again meanwhile wins): ConditionFailed when it changed, NotFound when it is gone.
    /// Version rows change through <see cref="UpdateVersionAsync"/>.
    /// </summary>
    Task<IndexWriteResult> UpdatePartLayoutAsync(DataRow part, string dataLayout, CancellationToken cancellationToken);
}

public enum DataRowKind
{
    /// <summary>An object version (its layout may name a multipart upload instead of data of its own).</summary>
    Version,
    /// <summary>A multipart part: data of its own.</summary>
    Part,
}

/// <param name="Kind">Version or part row.</param>
/// <param name="Bucket">The bucket.</param>
/// <param name="Key">The object key (of the upload, for a part).</param>
/// <param name="Id">Version id, or upload id + "#" + part number.</param>
/// <param name="Size">Bytes.</param>
/// <param name="DataLayout">The serialized layout as stored.</param>
/// <param name="Position">Opaque position of this row: pass it as <c>after</c> to resume behind it.</param>
public sealed record DataRow(DataRowKind Kind, string Bucket, string Key, string Id, long Size, string DataLayout, string Position)
{
    /// <summary>A version's S3 storage class; null on a part row (its upload, or the object completed from it, has it).</summary>
    public string? StorageClass { get; init; }
}

/// <param name="Rows">The rows, in scan order.</param>
/// <param name="NextAfter">Where the next page starts (the last row's position), or null when the bucket has no more.</param>
public sealed record DataRowPage(IReadOnlyList<DataRow> Rows, string? NextAfter);
