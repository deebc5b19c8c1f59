using System.Text;
using Azure.Data.Tables;
using static ObjectStore.Index.Tables.TableObjectIndex;

namespace ObjectStore.Index.Tables;

internal sealed partial class TableListings
{
    /// <summary>
    /// ListObjectVersions over the version rows: the same scanner as the current-object listing (key
    /// order, overflow groups, skipping common prefixes with a new range query), newest first per key.
    /// A key's first version row is its latest version, because stamps only grow (<see cref="VersionStamp"/>).
    /// </summary>
    public async Task<VersionListing> ListVersionsAsync(VersionListRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.MaxKeys <= 0)
            return new VersionListing([], [], false, null, null);

        var prefix = request.Prefix ?? "";
        var prefixBytes = Encoding.UTF8.GetBytes(prefix);
        var delimiter = string.IsNullOrEmpty(request.Delimiter) ? null : request.Delimiter;
        var markerBytes = string.IsNullOrEmpty(request.KeyMarker) ? null : Encoding.UTF8.GetBytes(request.KeyMarker);
        var resumeInsideKey = markerBytes is not null && !string.IsNullOrEmpty(request.VersionIdMarker);
        // Versions of the marker key up to and including this RowKey were returned already.
        string? resumeAfterRowKey = null;
        if (resumeInsideKey)
        {
            var marker = await ReadVersionAsync(request.Bucket, request.KeyMarker!, TokenOf(request.KeyMarker!), request.VersionIdMarker!, cancellationToken).ConfigureAwait(false);
            resumeAfterRowKey = marker?.RowKey ?? EntityMapping.VersionRowRange(TokenOf(request.KeyMarker!)).Upper;
        }

        var resumeAt = markerBytes is null ? null : resumeInsideKey ? markerBytes : KeyEncoding.Following(markerBytes);
        var (lowerKey, upperKey, upperRowKey) = ListingRange.Of(prefixBytes, resumeAt, EntityMapping.VersionRowPrefix, EntityMapping.VersionRowsEnd);

        var entries = new List<VersionEntry>();
        string? lastKey = null, lastVersion = null, previousRowKey = null;
        var truncated = false;

        var scanner = new ObjectRowScanner(_objects, request.Bucket, EntityMapping.VersionRowPrefix, upperRowKey, EntityMapping.ListingColumns,
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
            if (resumeAfterRowKey is not null && key == request.KeyMarker)
            {
                isLatest = false; // the latest version of the marker key came before the marker
                if (string.CompareOrdinal(row.RowKey, resumeAfterRowKey) <= 0)
                    continue;
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
            var version = EntityMapping.ToObjectRecord(row);
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

    private Task<TableEntity?> ReadVersionAsync(string bucket, string key, string token, string versionId, CancellationToken cancellationToken) =>
        readVersion(bucket, key, token, versionId, cancellationToken);
}
