using System.Globalization;
using Microsoft.Extensions.Options;
using ObjectStore.Index;
using ObjectStore.Index.Events;
using ObjectStore.Lifecycle;
using ObjectStore.Objects.Errors;
using static ObjectStore.Objects.ObjectCommitter;
using static ObjectStore.Objects.ObjectService;

namespace ObjectStore.Objects;

/// <summary>What a RestoreObject did: 202 for a restore now pending, 200 when an existing copy was extended.</summary>
internal sealed record RestoreResult(bool Accepted);

/// <summary>
/// Archive classes (GLACIER, DEEP_ARCHIVE): their data is not served until RestoreObject made a
/// temporary copy in the STANDARD profile, which lasts the requested number of rule days. As in S3 the
/// request only marks the version pending (x-amz-restore: ongoing-request="true") and queues a job; the
/// restore worker makes the copy outside the request (a multi-GiB copy would outlast an HTTP
/// invocation), and the lifecycle pass deletes copies whose time is up.
/// </summary>
internal sealed class RestoreService(
    IObjectIndex index,
    ObjectService objects,
    ObjectCommitter commits,
    IRestoreQueue restores,
    IOptions<LifecycleOptions> lifecycleOptions,
    TimeProvider time)
{
    public const int MaxRestoreDays = 30_000;
    private const int MaxConcurrencyRetries = BucketService.MaxConcurrencyRetries;

    private readonly RuleClock _ruleClock = lifecycleOptions.Value.Clock;

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
    /// <param name="target">The bucket as the request read it (not read again here).</param>
    /// <param name="requester">Who asked, for the s3:ObjectRestore events.</param>
    public async Task<RestoreResult> RestoreObjectAsync(KnownBucket target, string key, string? versionId, int days, string? tier, Requester? requester,
        CancellationToken cancellationToken)
    {
        var bucket = target.Name;
        if (days is < 1 or > MaxRestoreDays)
            throw new S3Exception(S3Errors.InvalidArgument, "Days must be a positive integer") { Details = new Dictionary<string, string> { ["ArgumentName"] = "Days" } };
        if (tier is not (null or "Standard" or "Bulk" or "Expedited"))
            throw new S3Exception(S3Errors.MalformedXML);
        for (var attempt = 0; attempt < MaxConcurrencyRetries; attempt++)
        {
            var version = await objects.GetObjectAsync(bucket, key, versionId, cancellationToken, target);
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
            var bucketRecord = target.Require();
            var outcome = live
                ? await index.UpdateVersionAsync(bucket, key, version.VersionId, version.DataLayout, version.RestoreLayout,
                    r => r with { RestoreExpiry = _ruleClock.RestoreExpiry(now, days) }, cancellationToken,
                    RestoreEvents(bucketRecord, version, posted: true, _ruleClock.RestoreExpiry(now, days), requester))
                : await index.UpdateVersionAsync(bucket, key, version.VersionId, version.DataLayout, version.RestoreLayout,
                    r => r with { RestoreRequestedAt = now, RestoreDays = days }, cancellationToken,
                    RestoreEvents(bucketRecord, version, posted: true, completedExpiry: null, requester));
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
    /// s3:ObjectRestore:Post for an accepted request and s3:ObjectRestore:Completed (with S3's
    /// glacierEventData: the copy's expiry and the archive class) when a copy is readable.
    /// </summary>
    internal static IReadOnlyList<ObjectEvent>? RestoreEvents(BucketRecord bucket, ObjectRecord version, bool posted, DateTimeOffset? completedExpiry, Requester? requester)
    {
        var events = new List<ObjectEvent>();
        if (posted)
            events.AddRange(EventsFor(bucket, EventNames.ObjectRestorePost, version.Key, requester) ?? []);
        if (completedExpiry is { } expiry)
            events.AddRange((EventsFor(bucket, EventNames.ObjectRestoreCompleted, version.Key, requester) ?? [])
                .Select(e => e with { RestoreExpiry = expiry, RestoreStorageClass = version.StorageClass }));
        return events.Count == 0 ? null : events;
    }

    // The shared helpers, by the names the method bodies above use.
    private Task PublishAsync(ObjectWriteOutcome outcome) => commits.PublishAsync(outcome);
}
