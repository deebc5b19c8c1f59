using Microsoft.Extensions.Logging;
using ObjectStore.Index;
using ObjectStore.Index.Events;
using ObjectStore.Objects.Errors;
using ObjectStore.Storage;

namespace ObjectStore.Objects;

/// <summary>
/// The one data-commit helper of the object services: commits an index write, publishes the events it
/// recorded, and deletes the data no version references any more (replaced versions, data a failed
/// write left behind, multipart parts). It knows nothing of HTTP or XML.
/// </summary>
internal sealed partial class ObjectCommitter(
    IObjectIndex index,
    IObjectDataStore data,
    IEventPublisher publisher,
    ILogger<ObjectCommitter> logger)
{
    /// <summary>
    /// Commits a record whose data was just written, as the bucket's versioning state demands. On any
    /// failure the just-written data (if given) is deleted; on success the data of every version the write
    /// removed (the replaced null version) is deleted. Returns the record as committed, with its version id.
    /// </summary>
    /// <param name="eventName">The event the commit records for the bucket's notification configurations (s3:ObjectCreated:...).</param>
    internal async Task<ObjectRecord> CommitAsync(ObjectRecord record, BucketRecord bucket, DataLayout? written, WriteCondition condition, string eventName,
        CancellationToken cancellationToken)
    {
        ObjectWriteOutcome outcome;
        try
        {
            outcome = await index.PutObjectAsync(record, condition, bucket.VersioningState(), cancellationToken, EventsFor(bucket, eventName, record.Key));
        }
        catch
        {
            await DeleteDataQuietlyAsync(written);
            throw;
        }

        switch (outcome.Result)
        {
            case IndexWriteResult.Success:
                await PublishAsync(outcome);
                await DeleteRemovedDataAsync(outcome, record.DataLayout);
                return outcome.Committed!;
            case IndexWriteResult.ConditionFailed:
                await DeleteDataQuietlyAsync(written);
                throw new S3Exception(S3Errors.PreconditionFailed, resource: $"/{record.Bucket}/{record.Key}")
                {
                    Details = new Dictionary<string, string> { ["Condition"] = condition.Kind == WriteConditionKind.MustNotExist ? "If-None-Match" : "If-Match" },
                };
            case IndexWriteResult.NotFound:
                await DeleteDataQuietlyAsync(written);
                throw condition.Kind == WriteConditionKind.ETagMatches
                    ? S3Errors.NoSuchKeyError(record.Bucket, record.Key)
                    : S3Errors.NoSuchBucketError(record.Bucket);
            default:
                await DeleteDataQuietlyAsync(written);
                throw new InvalidOperationException($"Unexpected index result {outcome.Result} for a put of /{record.Bucket}/{record.Key}.");
        }
    }

    /// <summary>Deletes the data (and any restored copy) of versions a write removed (delete markers have none; data still referenced stays).</summary>
    internal async Task DeleteRemovedDataAsync(ObjectWriteOutcome outcome, string? keptLayout = null)
    {
        foreach (var removed in outcome.Removed)
        {
            if (!removed.IsDeleteMarker && removed.DataLayout.Length > 0 && removed.DataLayout != keptLayout)
                await DeleteDataQuietlyAsync(removed.DataLayout);
            if (removed.RestoreLayout is { } restoredCopy)
                await DeleteDataQuietlyAsync(restoredCopy);
        }
    }

    /// <summary>
    /// Deletes the data of a version nothing references any more, single or multipart (every path that
    /// drops a version's data comes here); failures leave orphans for the repair scan.
    /// </summary>
    internal Task DeleteDataQuietlyAsync(string serializedLayout)
    {
        try
        {
            return MultipartLayout.IsMultipart(serializedLayout)
                ? DeleteMultipartDataQuietlyAsync(MultipartLayout.Parse(serializedLayout))
                : DeleteDataQuietlyAsync(DataLayout.Parse(serializedLayout));
        }
        catch (FormatException ex)
        {
            Log.DataDeleteFailed(logger, serializedLayout, ex);
            return Task.CompletedTask;
        }
    }

    /// <summary>Deletes data nothing references any more; a failure leaves an orphan for the repair scan.</summary>
    internal async Task DeleteDataQuietlyAsync(DataLayout? layout)
    {
        if (layout is null)
            return;
        try
        {
            // Not the request's token: cleanup must finish even if the client went away.
            await data.DeleteAsync(layout, CancellationToken.None);
        }
        catch (Exception ex)
        {
            Log.DataDeleteFailed(logger, layout.DataId, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Could not delete unreferenced data {DataId}; the repair scan will collect it")]
        public static partial void DataDeleteFailed(ILogger logger, string dataId, Exception exception);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Could not move {Count} committed events of bucket {Bucket} to the events queue; the outbox sweep will")]
        public static partial void PublishFailed(ILogger logger, string bucket, int count, Exception exception);
    }
}
