using ObjectStore.Index;
using ObjectStore.Index.Events;
using ObjectStore.Lifecycle;
using ObjectStore.Objects.Errors;
using static ObjectStore.Objects.ObjectCommitter;

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
/// repair scan collects), never a version without its data or a version twice. The actions that copy
/// data between profiles (transition, restore) are <see cref="LifecycleDataMoves"/>.
/// </summary>
internal sealed class LifecycleActions(
    IObjectIndex index,
    ObjectCommitter commits,
    MultipartService uploads,
    LifecycleDataMoves moves) : ILifecycleActions
{
    public async Task<LifecycleActionOutcome> ExpireCurrentAsync(ObjectRecord latest, CancellationToken cancellationToken)
    {
        // Read fresh, not from the bucket cache: the versioning state decides between a delete marker and
        // removing the data, and a state a few seconds old could delete what a newly versioned bucket keeps.
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
        // Read fresh, as in ExpireCurrentAsync: the delete is written under the bucket's versioning state.
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

    public Task<LifecycleActionOutcome> TransitionAsync(ObjectRecord version, string storageClass, CancellationToken cancellationToken) =>
        moves.TransitionAsync(version, storageClass, cancellationToken);

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

    public Task<LifecycleActionOutcome> EndRestoreAsync(ObjectRecord version, CancellationToken cancellationToken) =>
        moves.EndRestoreAsync(version, cancellationToken);

    public Task<LifecycleActionOutcome> CompleteRestoreAsync(RestoreJob job, CancellationToken cancellationToken) =>
        moves.CompleteRestoreAsync(job, cancellationToken);

    /// <summary>The current row is still the version the pass read (same id, same data, same kind).</summary>
    private static bool SameVersion(ObjectRecord? current, ObjectRecord read) =>
        current is not null && current.VersionId == read.VersionId && current.DataLayout == read.DataLayout
        && current.IsDeleteMarker == read.IsDeleteMarker && current.LastModified == read.LastModified;

    // The shared helpers, by the names the method bodies use.
    private Task AbortMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken) =>
        uploads.AbortMultipartUploadAsync(bucket, key, uploadId, cancellationToken);

    private Task PublishAsync(ObjectWriteOutcome outcome) => commits.PublishAsync(outcome);
}
