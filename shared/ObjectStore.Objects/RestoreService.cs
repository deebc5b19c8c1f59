using System.Globalization;
using ObjectStore.Index;
using ObjectStore.Index.Events;
using ObjectStore.Lifecycle;
using ObjectStore.S3.Errors;
using ObjectStore.Storage;

namespace ObjectStore.S3.Service;

/// <summary>What a RestoreObject did: 202 for a restore now pending, 200 when an existing copy was extended.</summary>
internal sealed record RestoreResult(bool Accepted);

/// <summary>
/// Archive classes (GLACIER, DEEP_ARCHIVE): their data is not served until RestoreObject made a
/// temporary copy in the STANDARD profile, which lasts the requested number of rule days. As in S3 the
/// request only marks the version pending (x-amz-restore: ongoing-request="true") and queues a job; the
/// restore worker makes the copy outside the request (a multi-GiB copy would outlast an HTTP
/// invocation), and the lifecycle pass deletes copies whose time is up.
/// </summary>
internal sealed partial class ObjectService
{
    public const int MaxRestoreDays = 30_000;

    /// <summary>
    /// The version as a reader may see it: an archived version with a live restored copy reads from the
    /// copy; without one, InvalidObjectState. Other classes are returned unchanged.
    /// </summary>
    public ObjectRecord ReadableVersion(ObjectRecord record)
    {
        if (!StorageClasses.IsArchive(record.StorageClass) || record.IsDeleteMarker)
            return record;
        if (record.RestoreLayout is { } copy && record.RestoreExpiry > time.GetUtcNow())
            return record with { DataLayout = copy };
        throw new S3Exception(S3Errors.InvalidObjectState, resource: $"/{record.Bucket}/{record.Key}")
        {
            Details = new Dictionary<string, string> { ["StorageClass"] = record.StorageClass },
        };
    }

    /// <summary>The x-amz-restore value of a version, or null when it is not archived or has neither a live copy nor a pending restore.</summary>
    public string? RestoreHeader(ObjectRecord record)
    {
        if (!StorageClasses.IsArchive(record.StorageClass))
            return null;
        if (record.RestoreRequestedAt is not null)
            return "ongoing-request=\"true\"";
        if (record.RestoreExpiry is not { } expiry || expiry <= time.GetUtcNow())
            return null;
        return $"ongoing-request=\"false\", expiry-date=\"{expiry.UtcDateTime.ToString("R", CultureInfo.InvariantCulture)}\"";
    }

    /// <summary>
    /// RestoreObject: a live copy gets the new expiry at once (200); otherwise the version is marked
    /// pending with an s3:ObjectRestore:Post event and a job is queued (202). A restore already pending
    /// is RestoreAlreadyInProgress, and its job is queued again (in case the first send was lost).
    /// <paramref name="tier"/> is accepted and does not change anything here.
    /// </summary>
    public async Task<RestoreResult> RestoreObjectAsync(string bucket, string key, string? versionId, int days, string? tier, CancellationToken cancellationToken)
    {
        if (days is < 1 or > MaxRestoreDays)
            throw new S3Exception(S3Errors.InvalidArgument, "Days must be a positive integer") { Details = new Dictionary<string, string> { ["ArgumentName"] = "Days" } };
        if (tier is not (null or "Standard" or "Bulk" or "Expedited"))
            throw new S3Exception(S3Errors.MalformedXML);
        for (var attempt = 0; attempt < MaxConcurrencyRetries; attempt++)
        {
            var version = await GetObjectAsync(bucket, key, versionId, cancellationToken);
            if (!StorageClasses.IsArchive(version.StorageClass))
                throw new S3Exception(S3Errors.InvalidObjectState, "Restore is not allowed for the object's current storage class", $"/{bucket}/{key}");
            if (version.Encryption is not null && MultipartLayout.IsMultipart(version.DataLayout))
                throw new S3Exception(S3Errors.NotImplemented, "Restoring an encrypted multipart object is not implemented.", $"/{bucket}/{key}");
            var job = new RestoreJob(bucket, key, version.VersionId);
            if (version.RestoreRequestedAt is not null)
            {
                await restores.EnqueueAsync(job, cancellationToken);
                throw new S3Exception(S3Errors.RestoreAlreadyInProgress, resource: $"/{bucket}/{key}");
            }
            var now = time.GetUtcNow();
            var live = version.RestoreLayout is not null && version.RestoreExpiry > now;
            var bucketRecord = await RequireBucketAsync(bucket, cancellationToken);
            var outcome = live
                ? await index.UpdateVersionAsync(bucket, key, version.VersionId, version.DataLayout, version.RestoreLayout,
                    r => r with { RestoreExpiry = _ruleClock.RestoreExpiry(now, days) }, cancellationToken,
                    RestoreEvents(bucketRecord, version, posted: true, _ruleClock.RestoreExpiry(now, days)))
                : await index.UpdateVersionAsync(bucket, key, version.VersionId, version.DataLayout, version.RestoreLayout,
                    r => r with { RestoreRequestedAt = now, RestoreDays = days }, cancellationToken,
                    RestoreEvents(bucketRecord, version, posted: true, completedExpiry: null));
            if (outcome.Result == IndexWriteResult.Success)
            {
                await PublishAsync(outcome);
                if (!live)
                    await restores.EnqueueAsync(job, cancellationToken);
                return new RestoreResult(Accepted: !live);
            }
            if (outcome.Result == IndexWriteResult.NotFound)
                throw versionId is null ? S3Errors.NoSuchKeyError(bucket, key) : NoSuchVersion(bucket, key, versionId);
        }
        throw new S3Exception(S3Errors.ServiceUnavailable, "The object is being changed concurrently; please retry.");
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
        catch (S3Exception)
        {
            return LifecycleActionOutcome.Skipped; // the data went away under a concurrent delete
        }
        var copy = stored.Layout.Serialize();
        var expiry = _ruleClock.RestoreExpiry(time.GetUtcNow(), version.RestoreDays ?? 1);
        var outcome = await index.UpdateVersionAsync(job.Bucket, job.Key, job.VersionId, version.DataLayout, version.RestoreLayout,
            r => r.RestoreRequestedAt is null ? r : r with { RestoreLayout = copy, RestoreExpiry = expiry, RestoreRequestedAt = null, RestoreDays = null },
            cancellationToken, RestoreEvents(bucket, version, posted: false, expiry));
        if (outcome.Result != IndexWriteResult.Success)
        {
            await DeleteDataQuietlyAsync(copy);
            return LifecycleActionOutcome.Skipped;
        }
        await PublishAsync(outcome);
        if (version.RestoreLayout is { } expired)
            await DeleteDataQuietlyAsync(expired); // an earlier copy whose days were over
        return LifecycleActionOutcome.Done;
    }

    /// <summary>
    /// s3:ObjectRestore:Post for an accepted request and s3:ObjectRestore:Completed (with S3's
    /// glacierEventData: the copy's expiry and the archive class) when a copy is readable.
    /// </summary>
    private static IReadOnlyList<ObjectEvent>? RestoreEvents(BucketRecord bucket, ObjectRecord version, bool posted, DateTimeOffset? completedExpiry)
    {
        var events = new List<ObjectEvent>();
        if (posted)
            events.AddRange(EventsFor(bucket, EventNames.ObjectRestorePost, version.Key) ?? []);
        if (completedExpiry is { } expiry)
            events.AddRange((EventsFor(bucket, EventNames.ObjectRestoreCompleted, version.Key) ?? [])
                .Select(e => e with { RestoreExpiry = expiry, RestoreStorageClass = version.StorageClass }));
        return events.Count == 0 ? null : events;
    }
}
