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
internal sealed class TableUploads(TableClient objects, PartitionRouter router, TimeProvider time)
{
    private readonly TableClient _objects = objects;
    private readonly OpenUploadRows _openUploads = new(time);

    /// <summary>
    /// Part commits of one upload on several instances contend on its upload row (each touches it; on one
    /// instance they take turns); every round one of them wins, so this bounds the parallelism a single
    /// upload can use without errors.
    /// </summary>
    private const int MaxPartCommitAttempts = 200;

    public async Task<IndexWriteResult> CreateUploadAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var entity = EntityMapping.ToEntity(upload, UploadRowKeyOf(upload.Key, upload.UploadId));
        entity.PartitionKey = (await CandidatesAsync(upload.Bucket, upload.UploadId, cancellationToken).ConfigureAwait(false))[0];
        try
        {
            var added = await _objects.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            _openUploads.Saw(upload.Bucket, upload.UploadId,
                upload.State == UploadState.Open && added.Headers.ETag is { } etag ? new(upload.Key, entity.PartitionKey, etag) : null);
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
        if (entity is null)
            return null;
        var upload = EntityMapping.ToUploadRecord(entity);
        _openUploads.Saw(bucket, uploadId, upload.State == UploadState.Open ? new(key, entity.PartitionKey, entity.ETag) : null);
        return upload;
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
        if (result == IndexWriteResult.Success)
            _openUploads.Saw(upload.Bucket, upload.UploadId, upload.State == UploadState.Open && newToken is not null ? new(upload.Key, partitionKey, new ETag(newToken)) : null);
        return (result, result == IndexWriteResult.Success ? upload with { ConcurrencyToken = newToken } : null);
    }

    public async Task<IndexWriteResult> DeleteUploadAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        _openUploads.Saw(upload.Bucket, upload.UploadId, null);
        if (await PartitionOfAsync(upload, cancellationToken).ConfigureAwait(false) is not { } partitionKey)
            return IndexWriteResult.NotFound;
        return await ConditionalWriteAsync(() => _objects.DeleteEntityAsync(partitionKey, UploadRowKeyOf(upload.Key, upload.UploadId),
            new ETag(upload.ConcurrencyToken ?? "*"), cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// One transaction: merge a touch into the upload row under If-Match (its ETag as last seen, state Open),
    /// and add the part row (or replace the existing one under its ETag). The part commits of one upload take
    /// turns on this instance, each starting from the upload row the one before left (<see cref="OpenUploadRows"/>),
    /// and the part row is assumed new until the transaction says otherwise: the usual part costs this one
    /// transaction. The action that failed says what changed: the upload row (re-read it; sealed or gone is
    /// NotFound) or the part row (read it, then replace it under its ETag).
    /// </summary>
    public async Task<PartWriteOutcome> CommitPartAsync(PartRecord part, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(part);
        var partEntity = EntityMapping.ToEntity(part);
        var candidates = await CandidatesAsync(part.Bucket, part.UploadId, cancellationToken).ConfigureAwait(false);
        using var turn = await _openUploads.EnterAsync(part.Bucket, part.UploadId, cancellationToken).ConfigureAwait(false);
        var upload = turn.Row is { } remembered && remembered.Key == part.Key ? remembered : null;
        TableEntity? existing = null;
        var partRowKnown = true; // assumed absent until an Add says it exists
        for (var attempt = 0; attempt < MaxPartCommitAttempts; attempt++)
        {
            if (upload is null)
            {
                // One partition to look in (the usual case): a part row to read is read at the same time.
                var partRead = !partRowKnown && candidates.Count == 1 ? ReadPartAsync(candidates[0], partEntity.RowKey, cancellationToken) : null;
                upload = turn.Row = OpenRowOf(await ReadUploadAsync(candidates, part.Key, part.UploadId, cancellationToken).ConfigureAwait(false));
                if (upload is null)
                    return new PartWriteOutcome(IndexWriteResult.NotFound, null);
                if (partRead is not null)
                    (existing, partRowKnown) = (await partRead.ConfigureAwait(false), true);
            }
            if (!partRowKnown)
                (existing, partRowKnown) = (await ReadPartAsync(upload.PartitionKey, partEntity.RowKey, cancellationToken).ConfigureAwait(false), true);

            partEntity.PartitionKey = upload.PartitionKey;
            var touch = new TableEntity(upload.PartitionKey, UploadRowKeyOf(part.Key, part.UploadId)) { ["PartCommitted"] = part.LastModified };
            List<TableTransactionAction> actions =
            [
                new(TableTransactionActionType.UpdateMerge, touch, upload.ETag),
                existing is not null
                    ? new(TableTransactionActionType.UpdateReplace, partEntity, existing.ETag)
                    : new(TableTransactionActionType.Add, partEntity),
            ];
            try
            {
                var responses = (await _objects.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false)).Value;
                // The touch's answer carries the upload row's new ETag: the next part of this upload starts from it.
                turn.Row = responses.Count > 0 && responses[0].Headers.ETag is { } touched ? upload with { ETag = touched } : null;
                return new PartWriteOutcome(IndexWriteResult.Success, existing is null ? null : EntityMapping.ToPartRecord(existing));
            }
            catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
            {
                // Another instance's part (or a seal) changed the upload row, or another upload of this part number won.
                var failedAction = (e as TableTransactionFailedException)?.FailedTransactionActionIndex;
                if (failedAction != 1)
                    upload = turn.Row = null;
                if (failedAction != 0)
                    partRowKnown = false;
            }
        }
        throw new InvalidOperationException($"Part {part.PartNumber} of upload {part.UploadId} lost {MaxPartCommitAttempts} commit races.");
    }

    private async Task<TableEntity?> ReadPartAsync(string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        var response = await _objects.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>What a part commit needs of an upload row: its partition and ETag, when it is Open.</summary>
    private static OpenUploadRows.Row? OpenRowOf(TableEntity? upload) =>
        upload is not null && EntityMapping.ToUploadRecord(upload) is { State: UploadState.Open } record
            ? new OpenUploadRows.Row(record.Key, upload.PartitionKey, upload.ETag)
            : null;

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
