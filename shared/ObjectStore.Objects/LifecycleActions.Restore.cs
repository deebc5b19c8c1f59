using ObjectStore.Index;
using ObjectStore.Index.Events;
using ObjectStore.Lifecycle;
using ObjectStore.Storage;
using static ObjectStore.Objects.RestoreService;

namespace ObjectStore.Objects;

/// <summary>The restore worker's step (see <see cref="RestoreService"/> for the request side).</summary>
internal sealed partial class LifecycleActions
{
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
        if (await index.GetBucketAsync(job.Bucket, cancellationToken) is not { } bucket)
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
}
