using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ObjectStore.Index;
using ObjectStore.Index.Events;
using ObjectStore.Lifecycle;
using ObjectStore.S3.Errors;
using ObjectStore.Storage;

namespace ObjectStore.S3.Service;

/// <summary>
/// Bucket and object semantics over the index and the data store. It knows nothing of HTTP or XML:
/// the request handler parses requests into the inputs here and renders the results.
/// </summary>
internal sealed partial class ObjectService(
    IObjectIndex index,
    IObjectDataStore data,
    IEventPublisher publisher,
    IRestoreQueue restores,
    IOptions<S3Options> options,
    IOptions<LifecycleOptions> lifecycleOptions,
    TimeProvider time,
    ILogger<ObjectService> logger)
{
    private readonly RuleClock _ruleClock = lifecycleOptions.Value.Clock;

    private readonly S3Options _options = options.Value;

    public S3Options Options => _options;

    /// <summary>A fresh, time-ordered, file-name-safe id for a piece of data (and the version it backs).</summary>
    private string NewDataId() => Guid.CreateVersion7(time.GetUtcNow()).ToString("N");

    /// <summary>S3's ETag of a single-part object: the quoted lowercase hex MD5.</summary>
    internal static string ETagOf(byte[] md5) => "\"" + Convert.ToHexStringLower(md5) + "\"";

    private async Task<BucketRecord> RequireBucketAsync(string bucket, CancellationToken cancellationToken) =>
        await index.GetBucketAsync(bucket, cancellationToken) ?? throw S3Errors.NoSuchBucketError(bucket);

    /// <summary>
    /// Commits a record whose data was just written, as the bucket's versioning state demands. On any
    /// failure the just-written data (if given) is deleted; on success the data of every version the write
    /// removed (the replaced null version) is deleted. Returns the record as committed, with its version id.
    /// </summary>
    /// <param name="eventName">The event the commit records for the bucket's notification configurations (s3:ObjectCreated:...).</param>
    private async Task<ObjectRecord> CommitAsync(ObjectRecord record, BucketRecord bucket, DataLayout? written, WriteCondition condition, string eventName,
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
    private async Task DeleteRemovedDataAsync(ObjectWriteOutcome outcome, string? keptLayout = null)
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
    private Task DeleteDataQuietlyAsync(string serializedLayout)
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
    private async Task DeleteDataQuietlyAsync(DataLayout? layout)
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

        [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Lifecycle transition of /{Bucket}/{Key} ({VersionId}) skipped: an encrypted multipart object's parts cannot be moved verbatim into one piece of data")]
        public static partial void EncryptedMultipartNotMoved(ILogger logger, string bucket, string key, string versionId);
    }
}
