using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

/// <summary>Listings (<see cref="TableListings"/>) and the data scan (<see cref="TableDataRows"/>).</summary>
public sealed partial class TableObjectIndex
{
    /// <summary>Statistics of the last listing on this instance (for tests and diagnostics; not synchronized).</summary>
    internal ListingStatistics LastListingStatistics => _listings.LastListingStatistics;

    // One partition per bucket until buckets are partitioned (issue 22): then the bucket's partition keys.
    public async Task<ObjectListing> ListObjectsAsync(ListRequest request, CancellationToken cancellationToken) =>
        await _listings.ListObjectsAsync(request, await ListedPartitionsAsync(request.Bucket, cancellationToken).ConfigureAwait(false), _locator.ResolveStubAsync, cancellationToken)
            .ConfigureAwait(false);

    public async Task<VersionListing> ListVersionsAsync(VersionListRequest request, CancellationToken cancellationToken) =>
        await _listings.ListVersionsAsync(request, await ListedPartitionsAsync(request.Bucket, cancellationToken).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);

    public Task<DataRowPage> ListDataRowsAsync(string bucket, string? after, int maxRows, CancellationToken cancellationToken) =>
        _dataRows.ListDataRowsAsync(bucket, after, maxRows, cancellationToken);

    public Task<IndexWriteResult> UpdatePartLayoutAsync(DataRow part, string dataLayout, CancellationToken cancellationToken) =>
        _dataRows.UpdatePartLayoutAsync(part, dataLayout, cancellationToken);
}
