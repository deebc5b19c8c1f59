namespace ObjectStore.Index.Tables;

/// <summary>Multipart uploads and their parts: <see cref="TableUploads"/>; their listing: <see cref="TableListings"/>.</summary>
public sealed partial class TableObjectIndex
{
    public Task<IndexWriteResult> CreateUploadAsync(UploadRecord upload, CancellationToken cancellationToken) =>
        _uploads.CreateUploadAsync(upload, cancellationToken);

    public Task<UploadRecord?> GetUploadAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken) =>
        _uploads.GetUploadAsync(bucket, key, uploadId, cancellationToken);

    public Task<(IndexWriteResult Result, UploadRecord? Stored)> UpdateUploadAsync(UploadRecord upload, CancellationToken cancellationToken) =>
        _uploads.UpdateUploadAsync(upload, cancellationToken);

    public Task<IndexWriteResult> DeleteUploadAsync(UploadRecord upload, CancellationToken cancellationToken) =>
        _uploads.DeleteUploadAsync(upload, cancellationToken);

    public Task<PartWriteOutcome> CommitPartAsync(PartRecord part, CancellationToken cancellationToken) =>
        _uploads.CommitPartAsync(part, cancellationToken);

    public IAsyncEnumerable<PartRecord> ListPartsAsync(string bucket, string uploadId, int afterPartNumber, CancellationToken cancellationToken) =>
        _uploads.ListPartsAsync(bucket, uploadId, afterPartNumber, cancellationToken);

    public Task DeletePartsAsync(IReadOnlyList<PartRecord> parts, CancellationToken cancellationToken) =>
        _uploads.DeletePartsAsync(parts, cancellationToken);

    // One partition per bucket until buckets are partitioned (issue 22): then the bucket's partition keys.
    public async Task<UploadListing> ListUploadsAsync(UploadListRequest request, CancellationToken cancellationToken) =>
        await _listings.ListUploadsAsync(request, await ListedPartitionsAsync(request.Bucket, cancellationToken).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);
}
