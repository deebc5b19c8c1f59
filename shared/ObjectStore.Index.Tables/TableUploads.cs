using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Data.Tables;

using static ObjectStore.Index.Tables.TableBatches;
using static ObjectStore.Index.Tables.TableObjectIndex;

namespace ObjectStore.Index.Tables;

/// <summary>
/// Multipart uploads in the objects table for <see cref="TableObjectIndex"/> (which delegates its upload
/// and part members here): upload rows, part commits under the upload row's ETag, part deletions (upload listings: <see cref="TableListings"/>).
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
