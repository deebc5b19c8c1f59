using Microsoft.Extensions.Logging;
using ObjectStore.Index;
using ObjectStore.Storage;

namespace ObjectStore.Background;

public sealed partial class RepairService
{
    /// <summary>
    /// Once every shard of a degraded write is good again (rebuilt now or by an earlier heal), drops
    /// the write's <see cref="DataLayout.MissingShards"/> from its row, so reads use those shards
    /// again and the health report stops counting them. Conditional on the row still holding the
    /// layout the walk read: a concurrent overwrite, transition or re-uploaded part wins, and the
    /// next pass sees the new layout. A failure leaves the marker for the next pass.
    /// </summary>
    private async Task ClearMissingShardsAsync(DataRow row, DataLayout layout, CancellationToken cancellationToken)
    {
        var cleared = (layout with { MissingShards = [] }).Serialize();
        try
        {
            IndexWriteResult result;
            if (row.Kind == DataRowKind.Part)
                result = await index.UpdatePartLayoutAsync(row, cleared, cancellationToken).ConfigureAwait(false);
            else
            {
                var record = await index.GetObjectAsync(row.Bucket, row.Key, row.Id, cancellationToken).ConfigureAwait(false);
                if (record is null || record.DataLayout != row.DataLayout)
                    return;
                result = (await index.UpdateVersionAsync(row.Bucket, row.Key, row.Id, row.DataLayout, record.RestoreLayout,
                    stored => stored with { DataLayout = cleared }, cancellationToken).ConfigureAwait(false)).Result;
            }
            if (result == IndexWriteResult.Success)
                LogMarkerCleared(row.Bucket, row.Key, row.Id, layout.DataId, layout.MissingShards.Count);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogMarkerNotCleared(e, row.Bucket, row.Key, row.Id, layout.DataId);
        }
    }

    /// <summary>
    /// The storage class of a part's data, which a rebuilt shard is created with (its Blob access
    /// tier): the upload's while it is open, then the class of the key's current version completed
    /// from it. Null when neither names it (the zone's default tier).
    /// </summary>
    private async Task<string?> UploadStorageClassAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken)
    {
        var upload = await index.GetUploadAsync(bucket, key, uploadId, cancellationToken).ConfigureAwait(false);
        if (upload is not null)
            return upload.StorageClass;
        var current = await index.GetObjectAsync(bucket, key, null, cancellationToken).ConfigureAwait(false);
        return current is not null && current.DataLayout.StartsWith($"{MultipartLayoutPrefix}{bucket};{uploadId};", StringComparison.Ordinal)
            ? current.StorageClass
            : null;
    }

    [LoggerMessage(EventId = 4040, Level = LogLevel.Information, Message = "{Bucket}/{Key} ({Id}), data {DataId}: {Shards} shards missing since its write are whole again; marker cleared")]
    private partial void LogMarkerCleared(string bucket, string key, string id, string dataId, int shards);

    [LoggerMessage(EventId = 4041, Level = LogLevel.Warning, Message = "Could not clear the missing-shards marker of {Bucket}/{Key} ({Id}), data {DataId}; the next pass tries again")]
    private partial void LogMarkerNotCleared(Exception e, string bucket, string key, string id, string dataId);
}
