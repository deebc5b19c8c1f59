using System.Text;
using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

internal sealed partial class TableListings
{
    /// <summary>
    /// Upload rows of every partition in S3 order through the same merged scanner as object listings (overflow
    /// groups sorted by key, then RowKey, i.e. initiation; all of a key's uploads live in one partition), skipping
    /// uploads being aborted. A delimiter rolls keys up into common prefixes and seeks past them in every partition.
    /// </summary>
    /// <param name="partitionKeys">The bucket's index partitions, the bucket name first.</param>
    public async Task<UploadListing> ListUploadsAsync(UploadListRequest request, IReadOnlyList<string> partitionKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.MaxUploads <= 0)
            return new UploadListing([], [], false, null, null);

        var prefix = request.Prefix ?? "";
        var prefixBytes = Encoding.UTF8.GetBytes(prefix);
        var delimiter = string.IsNullOrEmpty(request.Delimiter) ? null : request.Delimiter;
        var keyMarker = string.IsNullOrEmpty(request.KeyMarker) ? null : request.KeyMarker;
        var uploadIdMarker = keyMarker is null || string.IsNullOrEmpty(request.UploadIdMarker) ? null : request.UploadIdMarker;
        var markerBytes = keyMarker is null ? null : Encoding.UTF8.GetBytes(keyMarker);

        // With an upload-id marker the marker key's later uploads still follow; without one, the key is done.
        // The key marker is a key, not a position in one partition: the same lower bound resumes every partition.
        var resumeAt = markerBytes is null ? null : uploadIdMarker is null ? KeyEncoding.Following(markerBytes) : markerBytes;
        var (lowerKey, upperKey, upperRowKey) = ListingRange.Of(prefixBytes, resumeAt, EntityMapping.UploadRowPrefix, EntityMapping.UploadRowsEnd);

        var uploads = new List<UploadRecord>();
        string? lastKey = null, lastUploadId = null;
        var truncated = false;
        var scanner = new MergedRowScanner(_objects, partitionKeys, EntityMapping.UploadRowPrefix, upperRowKey, EntityMapping.UploadListingColumns, initialPageSize: 200)
        {
            PageSizeLimit = request.MaxUploads + 1,
        };
        scanner.Seek(lowerKey);
        var rollUp = new PrefixRollUp(scanner, prefix, delimiter, markerBytes, request.MaxUploads);
        var commonPrefixes = rollUp.CommonPrefixes;
        while (await scanner.NextAsync(cancellationToken).ConfigureAwait(false) is { } row)
        {
            var upload = ToUploadRecord(row, partitionKeys[0]);
            var keyBytes = Encoding.UTF8.GetBytes(upload.Key);
            if (keyBytes.AsSpan().SequenceCompareTo(lowerKey) < 0)
                continue;
            if (upperKey is not null && keyBytes.AsSpan().SequenceCompareTo(upperKey) >= 0)
                break;
            if (uploadIdMarker is not null && upload.Key == keyMarker && string.CompareOrdinal(upload.UploadId, uploadIdMarker) <= 0)
                continue;

            var rolled = rollUp.Offer(upload.Key, uploads.Count, ref lowerKey);
            if (rolled == RollUpOutcome.Full)
            {
                truncated = true;
                break;
            }
            if (rolled == RollUpOutcome.Added)
                (lastKey, lastUploadId) = (commonPrefixes[^1], null);
            if (rolled != RollUpOutcome.None)
                continue;

            if (upload.State == UploadState.Aborting)
                continue;
            if (uploads.Count + commonPrefixes.Count == request.MaxUploads)
            {
                truncated = true;
                break;
            }
            uploads.Add(upload);
            (lastKey, lastUploadId) = (upload.Key, upload.UploadId);
        }
        LastListingStatistics = new ListingStatistics(scanner.QueriesStarted, scanner.PagesRead, scanner.RowsRead);
        return new UploadListing(uploads, commonPrefixes, truncated, truncated ? lastKey : null, truncated ? lastUploadId : null);
    }

    /// <summary>A listed upload row as an upload of the bucket (not of the partition the row lives in).</summary>
    private static UploadRecord ToUploadRecord(TableEntity row, string bucket)
    {
        var upload = EntityMapping.ToUploadRecord(row);
        return upload.Bucket == bucket ? upload : upload with { Bucket = bucket };
    }
}
