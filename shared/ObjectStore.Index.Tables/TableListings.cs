using System.Text;
using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

/// <summary>
/// ListObjects and ListObjectVersions for <see cref="TableObjectIndex"/> (which delegates here): key-order
/// scans over the current and version rows with <see cref="ObjectRowScanner"/>. A version marker is read
/// through the index's own version lookup.
/// </summary>
internal sealed partial class TableListings(TableClient objects, Func<string, string, string, string, CancellationToken, Task<TableEntity?>> readVersion)
{
    private readonly TableClient _objects = objects;

    private const int DelimiterInitialPageSize = 200;

    /// <summary>Statistics of the last listing on this instance (for tests and diagnostics; not synchronized).</summary>
    internal ListingStatistics LastListingStatistics { get; private set; } = new(0, 0, 0);

    public async Task<ObjectListing> ListObjectsAsync(ListRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.MaxKeys <= 0)
            return new ObjectListing([], [], false, null); // S3 answers max-keys=0 with IsTruncated false

        var prefix = request.Prefix ?? "";
        var prefixBytes = Encoding.UTF8.GetBytes(prefix);
        var delimiter = string.IsNullOrEmpty(request.Delimiter) ? null : request.Delimiter;
        var startAfterBytes = request.StartAfter is null ? null : Encoding.UTF8.GetBytes(request.StartAfter);

        var (lowerKey, upperKey, upperRowKey) = ListingRange.Of(prefixBytes,
            startAfterBytes is null ? null : KeyEncoding.Following(startAfterBytes), EntityMapping.ObjectRowPrefix, EntityMapping.ObjectRowsEnd);

        var objects = new List<ObjectRecord>();
        string? last = null;
        var truncated = false;

        // With a delimiter, big common prefixes would fill large pages with rows to skip; start small and adapt.
        var scanner = new ObjectRowScanner(_objects, request.Bucket, EntityMapping.ObjectRowPrefix, upperRowKey, EntityMapping.ListingColumns,
            initialPageSize: delimiter is null ? 1000 : DelimiterInitialPageSize);
        scanner.PageSizeLimit = request.MaxKeys + 1;
        scanner.Seek(lowerKey);
        // A page of MaxKeys ≥ 1000 entries needs 1001 rows to know it is truncated, one more than a
        // Table query returns; fetching that one row costs a whole second query (on Azurite as much
        // as the first: it scans and sorts the range again). So the page may end one entry short
        // at a query boundary (PrefixRollUp.EndShortAtQueryBoundary), as S3 allows ("up to max-keys").
        var rollUp = new PrefixRollUp(scanner, prefix, delimiter, startAfterBytes, request.MaxKeys) { EndShortAtQueryBoundary = true };
        var commonPrefixes = rollUp.CommonPrefixes;
        while (await scanner.NextAsync(cancellationToken).ConfigureAwait(false) is { } row)
        {
            var key = row.GetString("Key") ?? "";
            var keyBytes = Encoding.UTF8.GetBytes(key);
            // Rows of an overflow group straddle the bounds; the byte comparisons are the truth.
            if (keyBytes.AsSpan().SequenceCompareTo(lowerKey) < 0)
                continue;
            if (upperKey is not null && keyBytes.AsSpan().SequenceCompareTo(upperKey) >= 0)
                break;
            // A key whose latest version is a delete marker is not listed (nor is its common prefix, on its own).
            if (EntityMapping.IsDeleteMarker(row))
                continue;

            // A start-after inside a common prefix (e.g. our own NextStartAfter) means it was already returned.
            var rolled = rollUp.Offer(key, objects.Count, ref lowerKey);
            if (rolled == RollUpOutcome.Full)
            {
                truncated = true;
                break;
            }
            if (rolled == RollUpOutcome.Added)
                last = commonPrefixes[^1];
            if (rolled != RollUpOutcome.None)
                continue;

            if (rollUp.PageIsFull(objects.Count))
            {
                truncated = true;
                break;
            }
            objects.Add(EntityMapping.ToObjectRecord(row));
            last = key;
        }
        LastListingStatistics = new ListingStatistics(scanner.QueriesStarted, scanner.PagesRead, scanner.RowsRead);
        return new ObjectListing(objects, commonPrefixes, truncated, truncated ? last : null);
    }
}

/// <param name="Queries">Range queries started.</param>
/// <param name="Pages">Pages (round trips) read.</param>
/// <param name="Rows">Entities read.</param>
internal readonly record struct ListingStatistics(int Queries, int Pages, int Rows);
