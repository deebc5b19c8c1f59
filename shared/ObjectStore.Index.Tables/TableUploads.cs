using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;

using static ObjectStore.Index.Tables.TableObjectIndex;

namespace ObjectStore.Index.Tables;

/// <summary>
/// Multipart uploads in the objects table for <see cref="TableObjectIndex"/> (which delegates its upload
/// and part members here): upload rows, part commits under the upload row's ETag, part deletions. Upload
/// listings are in <see cref="TableListings"/>.
/// </summary>
internal sealed class TableUploads(TableClient objects)
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
        try
        {
            await _objects.AddEntityAsync(EntityMapping.ToEntity(upload, UploadRowKeyOf(upload.Key, upload.UploadId)), cancellationToken).ConfigureAwait(false);
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
        string? newToken = null;
        var result = await ConditionalWriteAsync(async () =>
            newToken = (await _objects.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false)).Headers.ETag?.ToString())
            .ConfigureAwait(false);
        return (result, result == IndexWriteResult.Success ? upload with { ConcurrencyToken = newToken } : null);
    }

    public async Task<IndexWriteResult> DeleteUploadAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        return await ConditionalWriteAsync(() => _objects.DeleteEntityAsync(upload.Bucket, UploadRowKeyOf(upload.Key, upload.UploadId),
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
        for (var attempt = 0; attempt < MaxPartCommitAttempts; attempt++)
        {
            var uploadRead = ReadUploadAsync(part.Bucket, part.Key, part.UploadId, cancellationToken);
            var partRead = _objects.GetEntityIfExistsAsync<TableEntity>(part.Bucket, partEntity.RowKey, cancellationToken: cancellationToken);
            var upload = await uploadRead.ConfigureAwait(false);
            var existing = await partRead.ConfigureAwait(false);
            if (upload is null || EntityMapping.ToUploadRecord(upload).State != UploadState.Open)
                return new PartWriteOutcome(IndexWriteResult.NotFound, null);

            var touch = new TableEntity(part.Bucket, upload.RowKey) { ["PartCommitted"] = part.LastModified };
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
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {bucket} and RowKey ge {start} and RowKey lt {end}");
        await foreach (var entity in _objects.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
            yield return EntityMapping.ToPartRecord(entity);
    }

    public Task DeletePartsAsync(IReadOnlyList<PartRecord> parts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return DeleteRowsAsync(_objects, parts.Select(p => new TableEntity(p.Bucket, EntityMapping.PartRowKey(p.UploadId, p.PartNumber))), cancellationToken);
    }

    private async Task<TableEntity?> ReadUploadAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken)
    {
        if (!UploadIds.IsValid(uploadId))
            return null;
        var response = await _objects.GetEntityIfExistsAsync<TableEntity>(bucket, UploadRowKeyOf(key, uploadId), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!response.HasValue)
            return null;
        var entity = response.Value!;
        // A 96-bit token clash would name another key's upload: never act on it.
        return string.Equals(entity.GetString("Key"), key, StringComparison.Ordinal) ? entity : null;
    }

    internal static string UploadRowKeyOf(string key, string uploadId) =>
        EntityMapping.UploadRowKey(KeyEncoding.Token(KeyBytes(key)), uploadId);
}
