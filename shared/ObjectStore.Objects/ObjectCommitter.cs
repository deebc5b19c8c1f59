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
    /// failure the just-written data (if given) is deleted at once (nothing ever referenced it); on success the
    /// data of every version the write removed (the replaced null version) was recorded by the index as a
    /// pending deletion in the commit's transaction, for the collector once reads of it are over
    /// (docs/repair.md, "Deferred deletion"). Returns the record as committed, with its version id.
    /// </summary>
    /// <param name="eventName">The event the commit records for the bucket's notification configurations (s3:ObjectCreated:...).</param>
    /// <param name="requester">Who made the request, for the events (null: no caller, a background pass).</param>
    internal async Task<ObjectRecord> CommitAsync(ObjectRecord record, BucketRecord bucket, DataLayout? written, WriteCondition condition, string eventName,
        Requester? requester, CancellationToken cancellationToken)
    {
        ObjectWriteOutcome outcome;
        try
        {
            outcome = await index.PutObjectAsync(record, condition, bucket.VersioningState(), cancellationToken, EventsFor(bucket, eventName, record.Key, requester));
        }
        catch (IndexBusyException busy) when (busy.OutcomeUnknown)
        {
            // The row may have been committed (Table 500 OperationTimedOut): its data must stay. If it was not,
            // the data is unreferenced and the repair scan collects it (docs/connections.md, "Throttling").
            throw;
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
                return outcome.Committed!;
            case IndexWriteResult.ConditionFailed:
                await DeleteDataQuietlyAsync(written);
                throw new S3Exception(S3Errors.PreconditionFailed, resource: $"/{record.Bucket}/{record.Key}")
                {
                    Details = new Dictionary<string, string> { ["Condition"] = condition.Kind == WriteConditionKind.MustNotExist ? "If-None-Match" : "If-Match" },
                };
            case IndexWriteResult.Locked:
                await DeleteDataQuietlyAsync(written);
                throw new S3Exception(S3Errors.ObjectLocked, resource: $"/{record.Bucket}/{record.Key}");
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

    /// <summary>
    /// Deletes data nothing ever referenced (a write that failed or lost its condition), single or
    /// multipart, at once; failures leave orphans for the repair scan. Data a committed version held is
    /// never deleted here: the index records it as a pending deletion instead.
    /// </summary>
    internal Task DeleteDataQuietlyAsync(string serializedLayout)
    {
        if (Index.InlineLayout.IsInline(serializedLayout))
            return Task.CompletedTask; // inline data lives and dies with its row
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
        [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Could not delete unreferenced data {DataId}; the repair scan will collect it")]
        public static partial void DataDeleteFailed(ILogger logger, string dataId, Exception exception);

        [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Could not move {Count} committed events of bucket {Bucket} to the events queue; the outbox sweep will")]
        public static partial void PublishFailed(ILogger logger, string bucket, int count, Exception exception);
    }
}
