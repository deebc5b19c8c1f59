using System.Text;
using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

internal sealed partial class TableListings
{
    /// <summary>
    /// ListObjectVersions over the version rows of every partition: the same merged scanner as the current-object
    /// listing (key order, overflow groups, skipping common prefixes with new range queries), newest first per key.
    /// A key's first version row is its latest version, because stamps only grow (<see cref="VersionStamp"/>);
    /// all of a key's version rows live in one partition.
    /// </summary>
    /// <param name="partitionKeys">The bucket's index partitions, the bucket name first.</param>
    public async Task<VersionListing> ListVersionsAsync(VersionListRequest request, IReadOnlyList<string> partitionKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.MaxKeys <= 0)
            return new VersionListing([], [], false, null, null);

        var prefix = request.Prefix ?? "";
        var prefixBytes = Encoding.UTF8.GetBytes(prefix);
        var delimiter = string.IsNullOrEmpty(request.Delimiter) ? null : request.Delimiter;
        var markerBytes = string.IsNullOrEmpty(request.KeyMarker) ? null : Encoding.UTF8.GetBytes(request.KeyMarker);
        // With a version-id marker, the marker key's versions up to and including that version were returned
        // already (all of them when it no longer exists): they are skipped as the scan passes them, in row
        // order (newest first), wherever the key's partition is.
        var resumeInsideKey = markerBytes is not null && !string.IsNullOrEmpty(request.VersionIdMarker);
        var markerVersionPassed = false;

        // The key marker is a key, not a position in one partition: the same lower bound resumes every partition.
        var resumeAt = markerBytes is null ? null : resumeInsideKey ? markerBytes : KeyEncoding.Following(markerBytes);
        var (lowerKey, upperKey, upperRowKey) = ListingRange.Of(prefixBytes, resumeAt, EntityMapping.VersionRowPrefix, EntityMapping.VersionRowsEnd);

        var entries = new List<VersionEntry>();
        string? lastKey = null, lastVersion = null, previousRowKey = null;
        var truncated = false;

        var scanner = new MergedRowScanner(_objects, partitionKeys, EntityMapping.VersionRowPrefix, upperRowKey, EntityMapping.ListingColumns,
            initialPageSize: delimiter is null ? 1000 : DelimiterInitialPageSize);
        scanner.PageSizeLimit = request.MaxKeys + 1;
        scanner.Seek(lowerKey);
        var rollUp = new PrefixRollUp(scanner, prefix, delimiter, markerBytes, request.MaxKeys);
        var commonPrefixes = rollUp.CommonPrefixes;
        while (await scanner.NextAsync(cancellationToken).ConfigureAwait(false) is { } row)
        {
            var key = row.GetString("Key") ?? "";
            var keyBytes = Encoding.UTF8.GetBytes(key);
            var isLatest = previousRowKey is null || KeyOfRow(previousRowKey) != KeyOfRow(row.RowKey);
            previousRowKey = row.RowKey;
            if (keyBytes.AsSpan().SequenceCompareTo(lowerKey) < 0)
                continue;
            if (upperKey is not null && keyBytes.AsSpan().SequenceCompareTo(upperKey) >= 0)
                break;
            if (resumeInsideKey && key == request.KeyMarker)
            {
                isLatest = false; // the latest version of the marker key came before the marker
                if (!markerVersionPassed)
                {
                    markerVersionPassed = (row.GetString("VersionId") ?? VersionIds.Null) == request.VersionIdMarker;
                    continue;
                }
            }

            var rolled = rollUp.Offer(key, entries.Count, ref lowerKey);
            if (rolled == RollUpOutcome.Full)
            {
                truncated = true;
                break;
            }
            if (rolled == RollUpOutcome.Added)
                (lastKey, lastVersion) = (commonPrefixes[^1], null);
            if (rolled != RollUpOutcome.None)
            {
                previousRowKey = null;
                continue;
            }

            if (entries.Count + commonPrefixes.Count == request.MaxKeys)
            {
                truncated = true;
                break;
            }
            var version = ToObjectRecord(row, partitionKeys[0]);
            entries.Add(new VersionEntry(version, isLatest));
            (lastKey, lastVersion) = (key, version.VersionId);
        }
        LastListingStatistics = new ListingStatistics(scanner.QueriesStarted, scanner.PagesRead, scanner.RowsRead);
        return truncated
            ? new VersionListing(entries, commonPrefixes, true, lastKey, lastVersion)
            : new VersionListing(entries, commonPrefixes, false, null, null);
    }

    /// <summary>The token part of a version RowKey (kind prefix and stamp removed).</summary>
    private static string KeyOfRow(string versionRowKey) =>
        versionRowKey[EntityMapping.VersionRowPrefix.Length..versionRowKey.LastIndexOf(EntityMapping.VersionSeparator)];
}
