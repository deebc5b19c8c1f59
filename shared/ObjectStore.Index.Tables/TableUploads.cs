using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Data.Tables;

using static ObjectStore.Index.Tables.TableObjectIndex;

namespace ObjectStore.Index.Tables;

/// <summary>
/// Multipart uploads in the objects table for <see cref="TableObjectIndex"/> (which delegates its upload
/// and part members here): upload rows, part commits under the upload row's ETag, part deletions, listings.
/// An upload's rows go to the partition its key had when it started (the id carries the key's spreading
/// bits, <see cref="UploadIds"/>) and stay there: a split moves keys, not uploads, so a lookup tries the
/// partitions the key had under each smaller count too (<see cref="IndexRouting.UploadPartitions"/>).
/// </summary>
internal sealed class TableUploads(TableClient objects, PartitionRouter router)
{
    private readonly TableClient _objects = objects;

    /// <summary>
    /// Part commits of one upload contend on its upload row (each touches it); every round one of
    /// them wins, so this bounds the parallelism a single upload can use without errors.
    /// </summary>
    private const int MaxPartCommitAttempts = 200;

    public async Task<IndexWriteResult> CreateUploadAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var entity = EntityMapping.ToEntity(upload, UploadRowKeyOf(upload.Key, upload.UploadId));
        entity.PartitionKey = (await CandidatesAsync(upload.Bucket, upload.UploadId, cancellationToken).ConfigureAwait(false))[0];
        try
        {
            await _objects.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return IndexWriteResult.Success;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return IndexWriteResult.AlreadyExists;
        }
    }

    public async Task<UploadRecord?> GetUploadAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken)
    {
        var entity = await ReadUploadAsync(bucket, key, uploadId, cancellationToken).ConfigureAwait(false);
        return entity is null ? null : EntityMapping.ToUploadRecord(entity);
    }

    public async Task<(IndexWriteResult Result, UploadRecord? Stored)> UpdateUploadAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var entity = EntityMapping.ToEntity(upload, UploadRowKeyOf(upload.Key, upload.UploadId));
        var etag = new ETag(upload.ConcurrencyToken ?? throw new ArgumentException("The upload has no concurrency token.", nameof(upload)));
        if (await PartitionOfAsync(upload, cancellationToken).ConfigureAwait(false) is not { } partitionKey)
            return (IndexWriteResult.NotFound, null);
        entity.PartitionKey = partitionKey;
        string? newToken = null;
        var result = await ConditionalWriteAsync(async () =>
            newToken = (await _objects.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false)).Headers.ETag?.ToString())
            .ConfigureAwait(false);
        return (result, result == IndexWriteResult.Success ? upload with { ConcurrencyToken = newToken } : null);
    }

    public async Task<IndexWriteResult> DeleteUploadAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        if (await PartitionOfAsync(upload, cancellationToken).ConfigureAwait(false) is not { } partitionKey)
            return IndexWriteResult.NotFound;
        return await ConditionalWriteAsync(() => _objects.DeleteEntityAsync(partitionKey, UploadRowKeyOf(upload.Key, upload.UploadId),
            new ETag(upload.ConcurrencyToken ?? "*"), cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// One transaction: merge a touch into the upload row under If-Match (its ETag as read, state Open),
    /// and add the part row (or replace the one read, under its ETag). Either conditional failing means
    /// a concurrent change: re-read and retry while the upload is still open.
    /// </summary>
    public async Task<PartWriteOutcome> CommitPartAsync(PartRecord part, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(part);
        var partEntity = EntityMapping.ToEntity(part);
        var candidates = await CandidatesAsync(part.Bucket, part.UploadId, cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < MaxPartCommitAttempts; attempt++)
        {
            // One partition to look in (the usual case): both reads at once.
            var uploadRead = ReadUploadAsync(candidates, part.Key, part.UploadId, cancellationToken);
            var partRead = candidates.Count == 1 ? _objects.GetEntityIfExistsAsync<TableEntity>(candidates[0], partEntity.RowKey, cancellationToken: cancellationToken) : null;
            var upload = await uploadRead.ConfigureAwait(false);
            if (upload is null || EntityMapping.ToUploadRecord(upload).State != UploadState.Open)
                return new PartWriteOutcome(IndexWriteResult.NotFound, null);
            partEntity.PartitionKey = upload.PartitionKey;
            var existing = await (partRead ?? _objects.GetEntityIfExistsAsync<TableEntity>(upload.PartitionKey, partEntity.RowKey, cancellationToken: cancellationToken))
                .ConfigureAwait(false);

            var touch = new TableEntity(upload.PartitionKey, upload.RowKey) { ["PartCommitted"] = part.LastModified };
            List<TableTransactionAction> actions =
            [
                new(TableTransactionActionType.UpdateMerge, touch, upload.ETag),
                existing.HasValue
                    ? new(TableTransactionActionType.UpdateReplace, partEntity, existing.Value!.ETag)
                    : new(TableTransactionActionType.Add, partEntity),
            ];
            try
            {
                await _objects.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                return new PartWriteOutcome(IndexWriteResult.Success, existing.HasValue ? EntityMapping.ToPartRecord(existing.Value!) : null);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
            {
                // Another part (or a seal) changed the upload row, or another upload of this part number won.
            }
        }
        throw new InvalidOperationException($"Part {part.PartNumber} of upload {part.UploadId} lost {MaxPartCommitAttempts} commit races.");
    }

    public async IAsyncEnumerable<PartRecord> ListPartsAsync(string bucket, string uploadId, int afterPartNumber,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (start, end) = EntityMapping.PartRows(uploadId, afterPartNumber);
        if (await PartsPartitionAsync(bucket, uploadId, cancellationToken).ConfigureAwait(false) is not { } partitionKey)
            yield break;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {start} and RowKey lt {end}");
        await foreach (var entity in _objects.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
            yield return EntityMapping.ToPartRecord(entity);
    }

    public async Task DeletePartsAsync(IReadOnlyList<PartRecord> parts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parts);
        foreach (var upload in parts.GroupBy(p => (p.Bucket, p.UploadId)))
        {
            if (await PartsPartitionAsync(upload.Key.Bucket, upload.Key.UploadId, cancellationToken).ConfigureAwait(false) is not { } partitionKey)
                continue; // gone already
            await DeleteRowsAsync(_objects, upload.Select(p => new TableEntity(partitionKey, EntityMapping.PartRowKey(p.UploadId, p.PartNumber))), cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>The partitions an upload's rows may be in, the one new uploads go to first.</summary>
    private async Task<IReadOnlyList<string>> CandidatesAsync(string bucket, string uploadId, CancellationToken cancellationToken)
    {
        var routing = await router.GetAsync(bucket, cancellationToken).ConfigureAwait(false);
        return routing.UploadPartitions(bucket, UploadIds.SpreadingBitsOf(uploadId));
    }

    /// <summary>Where an upload's row is, or null when it is nowhere (read only when it could be in several partitions).</summary>
    private async Task<string?> PartitionOfAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        var candidates = await CandidatesAsync(upload.Bucket, upload.UploadId, cancellationToken).ConfigureAwait(false);
        if (candidates.Count == 1)
            return candidates[0];
        return (await ReadUploadAsync(candidates, upload.Key, upload.UploadId, cancellationToken).ConfigureAwait(false))?.PartitionKey;
    }

    /// <summary>The partition holding an upload's part rows (a completed upload has no upload row), or null when it has none.</summary>
    private async Task<string?> PartsPartitionAsync(string bucket, string uploadId, CancellationToken cancellationToken)
    {
        var candidates = await CandidatesAsync(bucket, uploadId, cancellationToken).ConfigureAwait(false);
        if (candidates.Count == 1)
            return candidates[0];
        var (start, end) = EntityMapping.PartRows(uploadId, 0);
        foreach (var partitionKey in candidates)
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {start} and RowKey lt {end}");
            await foreach (var _ in _objects.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["RowKey"], cancellationToken).ConfigureAwait(false))
                return partitionKey;
        }
        return null;
    }

    /// <summary>
    /// Upload rows in S3 order through the same scanner as object listings (overflow groups sorted by key,
    /// then RowKey, i.e. initiation), skipping uploads being aborted. A delimiter rolls keys up into
    /// common prefixes and seeks past them.
    /// </summary>
    public async Task<UploadListing> ListUploadsAsync(UploadListRequest request, CancellationToken cancellationToken)
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
        var resumeAt = markerBytes is null ? null : uploadIdMarker is null ? KeyEncoding.Following(markerBytes) : markerBytes;
        var (lowerKey, upperKey, upperRowKey) = ListingRange.Of(prefixBytes, resumeAt, EntityMapping.UploadRowPrefix, EntityMapping.UploadRowsEnd);

        var uploads = new List<UploadRecord>();
        string? lastKey = null, lastUploadId = null;
        var truncated = false;
        var scanner = new ObjectRowScanner(_objects, request.Bucket, EntityMapping.UploadRowPrefix, upperRowKey, EntityMapping.UploadListingColumns, initialPageSize: 200)
        {
            PageSizeLimit = request.MaxUploads + 1,
        };
        scanner.Seek(lowerKey);
        var rollUp = new PrefixRollUp(scanner, prefix, delimiter, markerBytes, request.MaxUploads);
        var commonPrefixes = rollUp.CommonPrefixes;
        while (await scanner.NextAsync(cancellationToken).ConfigureAwait(false) is { } row)
        {
            var upload = EntityMapping.ToUploadRecord(row);
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
        return new UploadListing(uploads, commonPrefixes, truncated, truncated ? lastKey : null, truncated ? lastUploadId : null);
    }

    private async Task<TableEntity?> ReadUploadAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken) =>
        UploadIds.IsValid(uploadId)
            ? await ReadUploadAsync(await CandidatesAsync(bucket, uploadId, cancellationToken).ConfigureAwait(false), key, uploadId, cancellationToken).ConfigureAwait(false)
            : null;

    private async Task<TableEntity?> ReadUploadAsync(IReadOnlyList<string> candidates, string key, string uploadId, CancellationToken cancellationToken)
    {
        if (!UploadIds.IsValid(uploadId))
            return null;
        foreach (var partitionKey in candidates)
        {
            var response = await _objects.GetEntityIfExistsAsync<TableEntity>(partitionKey, UploadRowKeyOf(key, uploadId), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!response.HasValue)
                continue;
            var entity = response.Value!;
            // A 96-bit token clash would name another key's upload: never act on it.
            return string.Equals(entity.GetString("Key"), key, StringComparison.Ordinal) ? entity : null;
        }
        return null;
    }

    internal static string UploadRowKeyOf(string key, string uploadId) =>
        EntityMapping.UploadRowKey(KeyEncoding.Token(KeyBytes(key)), uploadId);
}
