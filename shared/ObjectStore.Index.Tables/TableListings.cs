using System.Text;
using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

/// <summary>
/// ListObjects, ListObjectVersions and ListMultipartUploads for <see cref="TableObjectIndex"/> (which delegates
/// here): key-order scans over the current, version and upload rows of every index partition of the bucket,
/// merged by <see cref="MergedRowScanner"/>. Markers are keys, so one marker resumes every partition.
/// Staging rows of a partition split (RowKeys starting with <c>m</c>) sort below every listed row kind
/// (<c>o</c>, <c>u</c>, <c>v</c>), so no listed range reaches them.
/// </summary>
internal sealed partial class TableListings(TableClient objects)
{
    private readonly TableClient _objects = objects;

    private const int DelimiterInitialPageSize = 200;

    /// <summary>Statistics of the last listing on this instance (for tests and diagnostics; not synchronized).</summary>
    internal ListingStatistics LastListingStatistics { get; private set; } = new(0, 0, 0);

    /// <param name="partitionKeys">The bucket's index partitions, the bucket name first.</param>
    /// <param name="resolveStub">
    /// Reads the live current row of a moved-key stub's key (or null), for a stub met with no live row of its
    /// key in any partition at that point of the merge (the split moved it after that partition was read).
    /// Null: such stubs are skipped.
    /// </param>
    public async Task<ObjectListing> ListObjectsAsync(ListRequest request, IReadOnlyList<string> partitionKeys,
        Func<TableEntity, CancellationToken, Task<TableEntity?>>? resolveStub, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.MaxKeys <= 0)
            return new ObjectListing([], [], false, null); // S3 answers max-keys=0 with IsTruncated false

        var prefix = request.Prefix ?? "";
        var prefixBytes = Encoding.UTF8.GetBytes(prefix);
        var delimiter = string.IsNullOrEmpty(request.Delimiter) ? null : request.Delimiter;
        var startAfterBytes = request.StartAfter is null ? null : Encoding.UTF8.GetBytes(request.StartAfter);

        // StartAfter is a key, not a position in one partition: the same lower bound resumes every partition.
        var (lowerKey, upperKey, upperRowKey) = ListingRange.Of(prefixBytes,
            startAfterBytes is null ? null : KeyEncoding.Following(startAfterBytes), EntityMapping.ObjectRowPrefix, EntityMapping.ObjectRowsEnd);

        var objects = new List<ObjectRecord>();
        string? last = null, previousKey = null;
        var truncated = false;

        // With a delimiter, big common prefixes would fill large pages with rows to skip; start small and adapt.
        var scanner = new MergedRowScanner(_objects, partitionKeys, EntityMapping.ObjectRowPrefix, upperRowKey, EntityMapping.ListingColumns,
            initialPageSize: delimiter is null ? 1000 : DelimiterInitialPageSize);
        scanner.PageSizeLimit = request.MaxKeys + 1;
        scanner.Seek(lowerKey);
        // A page of MaxKeys ≥ 1000 entries needs 1001 rows to know it is truncated, one more than a
        // Table query returns; fetching that one row costs a whole second query (on Azurite as much
        // as the first: it scans and sorts the range again). So the page may end one entry short
        // at a query boundary (PrefixRollUp.EndShortAtQueryBoundary), as S3 allows ("up to max-keys").
        var rollUp = new PrefixRollUp(scanner, prefix, delimiter, startAfterBytes, request.MaxKeys) { EndShortAtQueryBoundary = true };
        var commonPrefixes = rollUp.CommonPrefixes;
        while (await scanner.NextAsync(cancellationToken).ConfigureAwait(false) is { } scanned)
        {
            var row = scanned;
            var key = row.GetString("Key") ?? "";
            var keyBytes = Encoding.UTF8.GetBytes(key);
            // Rows of an overflow group straddle the bounds; the byte comparisons are the truth.
            if (keyBytes.AsSpan().SequenceCompareTo(lowerKey) < 0)
                continue;
            if (upperKey is not null && keyBytes.AsSpan().SequenceCompareTo(upperKey) >= 0)
                break;
            var sameKeyAsPrevious = key == previousKey;
            previousKey = key;
            if (EntityMapping.IsMovedStub(row))
            {
                // The merge puts a key's live row before its stubs: a stub right after its key was met is done with.
                if (sameKeyAsPrevious || resolveStub is null)
                    continue;
                if (await resolveStub(row, cancellationToken).ConfigureAwait(false) is not { } live || live.GetString("Key") != key || EntityMapping.IsMovedStub(live))
                    continue;
                row = live;
            }
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
            objects.Add(ToObjectRecord(row, partitionKeys[0]));
            last = key;
        }
        LastListingStatistics = new ListingStatistics(scanner.QueriesStarted, scanner.PagesRead, scanner.RowsRead);
        return new ObjectListing(objects, commonPrefixes, truncated, truncated ? last : null);
    }

    /// <summary>A listed row as a record of the bucket (not of the partition the row lives in).</summary>
    private static ObjectRecord ToObjectRecord(TableEntity row, string bucket)
    {
        var record = EntityMapping.ToObjectRecord(row);
        return record.Bucket == bucket ? record : record with { Bucket = bucket };
    }
}

/// <param name="Queries">Range queries started.</param>
/// <param name="Pages">Pages (round trips) read.</param>
/// <param name="Rows">Entities read.</param>
internal readonly record struct ListingStatistics(int Queries, int Pages, int Rows);
