using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ObjectStore.Index;
using ObjectStore.Index.Events;
using ObjectStore.Lifecycle;
using ObjectStore.Storage;
using static ObjectStore.Objects.ObjectCommitter;
using static ObjectStore.Objects.ObjectData;
using static ObjectStore.Objects.RestoreService;

namespace ObjectStore.Objects;

/// <summary>
/// The lifecycle actions that copy a version's data into another profile and commit the new layout
/// conditionally (see <see cref="LifecycleActions"/>): a transition, the restore worker's copy and the end
/// of a restored copy. They read the bucket through <see cref="BucketService"/>'s short-lived cache: they
/// need it only to know it exists and for the events its notification configuration asks for, which S3
/// documents as taking a while to apply; the version rows they change are read and written fresh.
/// </summary>
internal sealed partial class LifecycleDataMoves(
    IObjectIndex index,
    ObjectData data,
    ObjectCommitter commits,
    BucketService buckets,
    IOptions<LifecycleOptions> lifecycleOptions,
    TimeProvider time,
    ILogger<LifecycleDataMoves> logger)
{
    private readonly RuleClock _ruleClock = lifecycleOptions.Value.Clock;

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

        var bucket = await FindBucketAsync(version.Bucket, cancellationToken);
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

    public async Task<LifecycleActionOutcome> EndRestoreAsync(ObjectRecord version, CancellationToken cancellationToken)
    {
        if (version.RestoreLayout is not { } copy)
            return LifecycleActionOutcome.Skipped;
        var now = time.GetUtcNow();
        var bucket = await FindBucketAsync(version.Bucket, cancellationToken);
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

    /// <summary>
    /// The restore worker's step: copies the pending version's data into the STANDARD profile, then
    /// commits the copy with its expiry and an s3:ObjectRestore:Completed event, conditionally (a version
    /// deleted or transitioned meanwhile wins, and the copy is deleted again). Idempotent per job.
    /// </summary>
    public async Task<LifecycleActionOutcome> CompleteRestoreAsync(RestoreJob job, CancellationToken cancellationToken)
    {
        var version = await index.GetObjectAsync(job.Bucket, job.Key, job.VersionId, cancellationToken);
        if (version is null || version.IsDeleteMarker || version.RestoreRequestedAt is null || !StorageClasses.IsArchive(version.StorageClass))
            return LifecycleActionOutcome.Skipped;
        if (await FindBucketAsync(job.Bucket, cancellationToken) is not { } bucket)
            return LifecycleActionOutcome.Skipped;

        // The stored bytes move verbatim (encrypted data stays sealed, no key needed).
        if (StoredBytesOf(version) is not { } storedBytes)
            return LifecycleActionOutcome.Skipped; // an encrypted multipart object: refused when the restore was asked for
        StoredData stored;
        try
        {
            stored = (await CopyDataAsync(storedBytes.Read, storedBytes.Length, new DataWriteRequest(NewDataId(), StorageClasses.Standard), null, null, cancellationToken)).Stored;
        }
        catch (DataStoreException)
        {
            return LifecycleActionOutcome.Skipped; // the data went away under a concurrent delete
        }
        var copy = stored.Layout.Serialize();
        var expiry = _ruleClock.RestoreExpiry(time.GetUtcNow(), version.RestoreDays ?? 1);
        var outcome = await index.UpdateVersionAsync(job.Bucket, job.Key, job.VersionId, version.DataLayout, version.RestoreLayout,
            r => r.RestoreRequestedAt is null ? r : r with { RestoreLayout = copy, RestoreExpiry = expiry, RestoreRequestedAt = null, RestoreDays = null },
            cancellationToken, RestoreEvents(bucket, version, posted: false, expiry, requester: null),
            unreferencedLayouts: version.RestoreLayout is { } expired ? [expired] : null); // an earlier copy whose days were over
        if (outcome.Result != IndexWriteResult.Success)
        {
            await DeleteDataQuietlyAsync(copy);
            return LifecycleActionOutcome.Skipped;
        }
        await PublishAsync(outcome);
        return LifecycleActionOutcome.Done;
    }

    // The shared helpers, by the names the method bodies use.
    private Task<BucketRecord?> FindBucketAsync(string bucket, CancellationToken cancellationToken) => buckets.FindBucketAsync(bucket, cancellationToken);

    private string NewDataId() => data.NewDataId();

    private (Func<Stream, CancellationToken, Task> Read, long Length)? StoredBytesOf(ObjectRecord record) => data.StoredBytesOf(record);

    private Task<WrittenData> CopyDataAsync(Func<Stream, CancellationToken, Task> read, long length, DataWriteRequest request,
        byte[]? dataKey, Func<Stream, Stream>? tap, CancellationToken cancellationToken) =>
        data.CopyDataAsync(read, length, request, dataKey, tap, cancellationToken);

    private Task PublishAsync(ObjectWriteOutcome outcome) => commits.PublishAsync(outcome);

    private Task DeleteDataQuietlyAsync(string serializedLayout) => commits.DeleteDataQuietlyAsync(serializedLayout);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Lifecycle transition of /{Bucket}/{Key} ({VersionId}) skipped: an encrypted multipart object's parts cannot be moved verbatim into one piece of data")]
        public static partial void EncryptedMultipartNotMoved(ILogger logger, string bucket, string key, string versionId);
    }
}
