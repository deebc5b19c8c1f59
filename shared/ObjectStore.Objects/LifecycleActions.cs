using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ObjectStore.Index;
using ObjectStore.Index.Events;
using ObjectStore.Lifecycle;
using ObjectStore.Objects.Errors;
using ObjectStore.Storage;
using static ObjectStore.Objects.ObjectCommitter;
using static ObjectStore.Objects.ObjectData;

namespace ObjectStore.Objects;

/// <summary>
/// The lifecycle pass's actions. Each acts only on exactly what the pass read: a latest version is
/// re-read and must still be the same version with the same data (then the write is conditioned on
/// that row's Table ETag), an older version's row must be unchanged, and a transition's new layout is
/// committed only if the version still has the layout that was copied. Anything else is Skipped: a
/// concurrent client write wins. Data a commit stops referencing (an expired version, a transition's
/// old layout, an expired restored copy) is recorded as a pending deletion in the same transaction and
/// deleted by the collector after the grace period, so a GET reading it finishes; a copy that was never
/// committed is deleted at once. An interruption leaves at worst unreferenced shards (orphans the
/// repair scan collects), never a version without its data or a version twice.
/// </summary>
internal sealed partial class LifecycleActions(
    IObjectIndex index,
    ObjectData data,
    ObjectCommitter commits,
    MultipartService uploads,
    IOptions<LifecycleOptions> lifecycleOptions,
    TimeProvider time,
    ILogger<LifecycleActions> logger) : ILifecycleActions
{
    private readonly RuleClock _ruleClock = lifecycleOptions.Value.Clock;

    public async Task<LifecycleActionOutcome> ExpireCurrentAsync(ObjectRecord latest, CancellationToken cancellationToken)
    {
        var bucket = await index.GetBucketAsync(latest.Bucket, cancellationToken);
        var current = await index.GetObjectAsync(latest.Bucket, latest.Key, null, cancellationToken);
        if (bucket is null || !SameVersion(current, latest))
            return LifecycleActionOutcome.Skipped;
        var versioning = bucket.VersioningState();
        var eventName = versioning == BucketVersioning.Unversioned ? EventNames.LifecycleExpirationDelete : EventNames.LifecycleExpirationDeleteMarkerCreated;
        var outcome = await index.DeleteObjectAsync(latest.Bucket, latest.Key, null, WriteCondition.RowUnchanged(current!.ConcurrencyToken!), versioning, cancellationToken,
            EventsFor(bucket, eventName, latest.Key, requester: null));
        if (outcome.Result != IndexWriteResult.Success)
            return LifecycleActionOutcome.Skipped;
        await PublishAsync(outcome);
        return LifecycleActionOutcome.Done;
    }

    public async Task<LifecycleActionOutcome> DeleteVersionAsync(ObjectRecord version, CancellationToken cancellationToken)
    {
        var bucket = await index.GetBucketAsync(version.Bucket, cancellationToken);
        if (bucket is null)
            return LifecycleActionOutcome.Skipped;
        // The latest version is guarded by the current row's token, an older one by its own row's.
        var current = await index.GetObjectAsync(version.Bucket, version.Key, null, cancellationToken);
        var token = current?.VersionId == version.VersionId
            ? SameVersion(current, version) ? current!.ConcurrencyToken : null
            : version.ConcurrencyToken;
        if (token is null)
            return LifecycleActionOutcome.Skipped;
        var outcome = await index.DeleteObjectAsync(version.Bucket, version.Key, version.VersionId, WriteCondition.RowUnchanged(token), bucket.VersioningState(), cancellationToken,
            EventsFor(bucket, EventNames.LifecycleExpirationDelete, version.Key, requester: null));
        if (outcome.Result != IndexWriteResult.Success)
            return LifecycleActionOutcome.Skipped;
        await PublishAsync(outcome);
        return LifecycleActionOutcome.Done;
    }

    public async Task<LifecycleActionOutcome> TransitionAsync(ObjectRecord version, string storageClass, CancellationToken cancellationToken)
    {
        if (version.IsDeleteMarker || !StorageClasses.TransitionTargets.Contains(storageClass) || version.StorageClass == storageClass)
            return LifecycleActionOutcome.Skipped;

        // Stream the stored bytes (not a restored copy) verbatim into a new write in the target profile:
        // encrypted data stays sealed (no key needed). Encrypted multipart objects stay where they are.
        if (StoredBytesOf(version) is not { } storedBytes)
        {
            Log.EncryptedMultipartNotMoved(logger, version.Bucket, version.Key, version.VersionId);
            return LifecycleActionOutcome.Skipped;
        }
        StoredData stored;
        try
        {
            stored = (await CopyDataAsync(storedBytes.Read, storedBytes.Length, new DataWriteRequest(NewDataId(), storageClass), null, null, cancellationToken)).Stored;
        }
        catch (DataStoreException)
        {
            return LifecycleActionOutcome.Skipped; // the data went away under a concurrent delete
        }
        var newLayout = stored.Layout.Serialize();
        if (!MultipartLayout.IsMultipart(version.DataLayout) && version.Encryption is null && version.Size > 0 && ETagOf(stored.Md5) != version.ETag)
        {
            await DeleteDataQuietlyAsync(newLayout);
            throw new DataStoreException($"Re-encoding /{version.Bucket}/{version.Key} ({version.VersionId}) read bytes whose MD5 is not its ETag.");
        }

        var bucket = await index.GetBucketAsync(version.Bucket, cancellationToken);
        var outcome = bucket is null
            ? ObjectWriteOutcome.Failed(IndexWriteResult.NotFound)
            : await index.UpdateVersionAsync(version.Bucket, version.Key, version.VersionId, version.DataLayout, version.RestoreLayout,
                r => r with { StorageClass = storageClass, DataLayout = newLayout, InlineData = null }, cancellationToken, // inline data moves out of the row
                EventsFor(bucket, EventNames.LifecycleTransition, version.Key, requester: null), unreferencedLayouts: [version.DataLayout]);
        if (outcome.Result != IndexWriteResult.Success)
        {
            await DeleteDataQuietlyAsync(newLayout);
            return LifecycleActionOutcome.Skipped;
        }
        await PublishAsync(outcome);
        return LifecycleActionOutcome.Done;
    }

    public async Task<LifecycleActionOutcome> AbortUploadAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        var stored = await index.GetUploadAsync(upload.Bucket, upload.Key, upload.UploadId, cancellationToken);
        if (stored is not { State: UploadState.Open or UploadState.Aborting })
            return LifecycleActionOutcome.Skipped;
        try
        {
            await AbortMultipartUploadAsync(upload.Bucket, upload.Key, upload.UploadId, cancellationToken);
            return LifecycleActionOutcome.Done;
        }
        catch (S3Exception)
        {
            return LifecycleActionOutcome.Skipped; // completed, or being completed, meanwhile
        }
    }

    public async Task<LifecycleActionOutcome> EndRestoreAsync(ObjectRecord version, CancellationToken cancellationToken)
    {
        if (version.RestoreLayout is not { } copy)
            return LifecycleActionOutcome.Skipped;
        var now = time.GetUtcNow();
        var bucket = await index.GetBucketAsync(version.Bucket, cancellationToken);
        if (bucket is null)
            return LifecycleActionOutcome.Skipped;
        // A restore that extended the copy meanwhile keeps it: returning the record unchanged writes nothing.
        var outcome = await index.UpdateVersionAsync(version.Bucket, version.Key, version.VersionId, version.DataLayout, copy,
            r => r.RestoreExpiry is not { } expiry || expiry <= now ? r with { RestoreExpiry = null, RestoreLayout = null } : r,
            cancellationToken, EventsFor(bucket, EventNames.ObjectRestoreDelete, version.Key, requester: null), unreferencedLayouts: [copy]);
        if (outcome.Result != IndexWriteResult.Success)
            return LifecycleActionOutcome.Skipped;
        await PublishAsync(outcome);
        return LifecycleActionOutcome.Done;
    }

    /// <summary>The current row is still the version the pass read (same id, same data, same kind).</summary>
    private static bool SameVersion(ObjectRecord? current, ObjectRecord read) =>
        current is not null && current.VersionId == read.VersionId && current.DataLayout == read.DataLayout
        && current.IsDeleteMarker == read.IsDeleteMarker && current.LastModified == read.LastModified;

    // The shared helpers, by the names the method bodies use.
    private string NewDataId() => data.NewDataId();

    private (Func<Stream, CancellationToken, Task> Read, long Length)? StoredBytesOf(ObjectRecord record) => data.StoredBytesOf(record);

    private Task<WrittenData> CopyDataAsync(Func<Stream, CancellationToken, Task> read, long length, DataWriteRequest request,
        byte[]? dataKey, Func<Stream, Stream>? tap, CancellationToken cancellationToken) =>
        data.CopyDataAsync(read, length, request, dataKey, tap, cancellationToken);

    private Task AbortMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken) =>
        uploads.AbortMultipartUploadAsync(bucket, key, uploadId, cancellationToken);

    private Task PublishAsync(ObjectWriteOutcome outcome) => commits.PublishAsync(outcome);


    private Task DeleteDataQuietlyAsync(string serializedLayout) => commits.DeleteDataQuietlyAsync(serializedLayout);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Lifecycle transition of /{Bucket}/{Key} ({VersionId}) skipped: an encrypted multipart object's parts cannot be moved verbatim into one piece of data")]
        public static partial void EncryptedMultipartNotMoved(ILogger logger, string bucket, string key, string versionId);
    }
}
