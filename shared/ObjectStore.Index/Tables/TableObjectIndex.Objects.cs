using System.Text;
using Azure;
using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

public sealed partial class TableObjectIndex
{
    public async Task<ObjectRecord?> GetObjectAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        var entity = await ReadCurrentAsync(bucket, key, RowKeyOf(key), cancellationToken).ConfigureAwait(false);
        return entity is null ? null : EntityMapping.ToObjectRecord(entity);
    }

    /// <summary>
    /// Read, check the condition, then write conditioned on the entity's Table ETag (or insert-only
    /// when there was none), so a concurrent writer makes one of the two fail with 412/409. With
    /// <see cref="WriteConditionKind.None"/> the loop retries on such a race, so the outcome names the
    /// record that was actually replaced.
    /// </summary>
    public async Task<ObjectWriteOutcome> PutObjectAsync(ObjectRecord record, WriteCondition condition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var rowKey = RowKeyOf(record.Key);
        var entity = EntityMapping.ToEntity(record, rowKey);

        if (condition.Kind == WriteConditionKind.MustNotExist)
        {
            return await TryInsertAsync(entity, cancellationToken).ConfigureAwait(false)
                ? new ObjectWriteOutcome(IndexWriteResult.Success, null)
                : new ObjectWriteOutcome(IndexWriteResult.ConditionFailed, null);
        }

        for (var attempt = 0; attempt < MaxRaceRetries; attempt++)
        {
            var current = await ReadCurrentAsync(record.Bucket, record.Key, rowKey, cancellationToken).ConfigureAwait(false);
            var failed = CheckCondition(current, condition);
            if (failed is not null)
                return new ObjectWriteOutcome(failed.Value, null);

            if (current is null)
            {
                if (await TryInsertAsync(entity, cancellationToken).ConfigureAwait(false))
                    return new ObjectWriteOutcome(IndexWriteResult.Success, null);
            }
            else if (await TryReplaceAsync(entity, current.ETag, cancellationToken).ConfigureAwait(false))
            {
                return new ObjectWriteOutcome(IndexWriteResult.Success, EntityMapping.ToObjectRecord(current));
            }

            // Lost a race. If-Match named the version we read, which is gone now.
            if (condition.Kind == WriteConditionKind.ETagMatches)
                return new ObjectWriteOutcome(IndexWriteResult.ConditionFailed, null);
        }
        throw new InvalidOperationException($"Key '{record.Key}' in '{record.Bucket}' changed {MaxRaceRetries} times while writing it.");
    }

    public async Task<ObjectWriteOutcome> DeleteObjectAsync(string bucket, string key, WriteCondition condition, CancellationToken cancellationToken)
    {
        var rowKey = RowKeyOf(key);
        for (var attempt = 0; attempt < MaxRaceRetries; attempt++)
        {
            var current = await ReadCurrentAsync(bucket, key, rowKey, cancellationToken).ConfigureAwait(false);
            if (current is null)
                return new ObjectWriteOutcome(IndexWriteResult.NotFound, null);
            if (condition.Kind == WriteConditionKind.MustNotExist)
                return new ObjectWriteOutcome(IndexWriteResult.ConditionFailed, null);
            var failed = CheckCondition(current, condition);
            if (failed is not null)
                return new ObjectWriteOutcome(failed.Value, null);
            try
            {
                await _objects.DeleteEntityAsync(bucket, rowKey, current.ETag, cancellationToken).ConfigureAwait(false);
                return new ObjectWriteOutcome(IndexWriteResult.Success, EntityMapping.ToObjectRecord(current));
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                if (condition.Kind == WriteConditionKind.ETagMatches)
                    return new ObjectWriteOutcome(IndexWriteResult.ConditionFailed, null);
            }
        }
        throw new InvalidOperationException($"Key '{key}' in '{bucket}' changed {MaxRaceRetries} times while deleting it.");
    }

    /// <summary>Null when the condition holds for <paramref name="current"/>.</summary>
    private static IndexWriteResult? CheckCondition(TableEntity? current, WriteCondition condition)
    {
        if (condition.Kind != WriteConditionKind.ETagMatches)
            return null;
        if (current is null)
            return IndexWriteResult.NotFound; // S3 answers If-Match on a missing key with 404
        var wanted = condition.ETag ?? "";
        if (wanted.Trim() == "*")
            return null;
        return S3ETagsEqual(current.GetString("ETag"), wanted) ? null : IndexWriteResult.ConditionFailed;
    }

    /// <summary>S3 ETags compare without their quotes and without a weak-validator prefix.</summary>
    internal static bool S3ETagsEqual(string? stored, string wanted) =>
        string.Equals(Normalize(stored ?? ""), Normalize(wanted), StringComparison.Ordinal);

    private static string Normalize(string etag)
    {
        var value = etag.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
            value = value[2..];
        return value.Trim('"');
    }

    private async Task<TableEntity?> ReadCurrentAsync(string bucket, string key, string rowKey, CancellationToken cancellationToken)
    {
        var response = await _objects.GetEntityIfExistsAsync<TableEntity>(bucket, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!response.HasValue)
            return null;
        var entity = response.Value!;
        // Overflow tokens carry 96 bits of SHA-256: a clash is not expected, but never serve the wrong key.
        if (!string.Equals(entity.GetString("Key"), key, StringComparison.Ordinal))
            throw new InvalidOperationException($"Row {rowKey} in '{bucket}' holds another key (token clash).");
        return entity;
    }

    private async Task<bool> TryInsertAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        try
        {
            await _objects.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    private async Task<bool> TryReplaceAsync(TableEntity entity, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await _objects.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }

    internal static string RowKeyOf(string key) => EntityMapping.ObjectRowKey(KeyEncoding.Token(KeyBytes(key)));

    internal static byte[] KeyBytes(string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        if (bytes.Length is 0 or > KeyEncoding.MaxKeyBytes)
            throw new ArgumentException($"An object key is 1 to {KeyEncoding.MaxKeyBytes} bytes of UTF-8; this one is {bytes.Length}.", nameof(key));
        return bytes;
    }
}
