using System.Globalization;
using ObjectStore.Index;
using ObjectStore.Lifecycle;
using ObjectStore.S3.Errors;
using ObjectStore.Storage;

namespace ObjectStore.S3.Service;

/// <summary>What a RestoreObject did: 202 for a new copy, 200 when an existing copy was extended.</summary>
internal sealed record RestoreResult(bool Created, DateTimeOffset Expiry);

/// <summary>
/// Archive classes (GLACIER, DEEP_ARCHIVE): their data is not served until RestoreObject made a
/// temporary copy in the STANDARD profile, which lasts the requested number of rule days. The copy is
/// written within the request (the archive data sits on the same shard backends here), so a restore
/// is never seen in progress; the lifecycle pass deletes copies whose time is up.
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

    /// <summary>The x-amz-restore value of a version, or null when it is not archived or has no live copy.</summary>
    public string? RestoreHeader(ObjectRecord record)
    {
        if (!StorageClasses.IsArchive(record.StorageClass) || record.RestoreExpiry is not { } expiry || expiry <= time.GetUtcNow())
            return null;
        return $"ongoing-request=\"false\", expiry-date=\"{expiry.UtcDateTime.ToString("R", CultureInfo.InvariantCulture)}\"";
    }

    /// <summary>
    /// RestoreObject: a temporary readable copy of an archived version for <paramref name="days"/> rule days
    /// (an existing live copy gets the new expiry instead). <paramref name="tier"/> is accepted and
    /// does not change anything here.
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
            var expiry = _ruleClock.RestoreExpiry(time.GetUtcNow(), days);
            var live = version.RestoreLayout is not null && version.RestoreExpiry > time.GetUtcNow();

            string? copyLayout = null;
            if (!live)
            {
                var stored = await CopyDataAsync(version, 0, version.Size, new DataWriteRequest(NewDataId(), StorageClasses.Standard), null, cancellationToken);
                copyLayout = stored.Layout.Serialize();
            }
            var outcome = await index.UpdateVersionAsync(bucket, key, version.VersionId, version.DataLayout, version.RestoreLayout,
                r => r with { RestoreExpiry = expiry, RestoreLayout = copyLayout ?? r.RestoreLayout }, cancellationToken,
                await RestoreEventsAsync(version, expiry, cancellationToken));
            if (outcome.Result == IndexWriteResult.Success)
            {
                await PublishAsync(outcome);
                if (!live && version.RestoreLayout is { } expired)
                    await DeleteDataQuietlyAsync(expired);
                return new RestoreResult(!live, expiry);
            }
            if (copyLayout is not null)
                await DeleteDataQuietlyAsync(copyLayout);
            if (outcome.Result == IndexWriteResult.NotFound)
                throw versionId is null ? S3Errors.NoSuchKeyError(bucket, key) : NoSuchVersion(bucket, key, versionId);
        }
        throw new S3Exception(S3Errors.ServiceUnavailable, "The object is being changed concurrently; please retry.");
    }

    /// <summary>
    /// The restore's events: s3:ObjectRestore:Post (the request) and s3:ObjectRestore:Completed (the copy is
    /// readable, with its expiry), both in the restore's own index write because the copy is made inside the request.
    /// </summary>
    private async Task<IReadOnlyList<Index.Events.ObjectEvent>?> RestoreEventsAsync(ObjectRecord version, DateTimeOffset expiry, CancellationToken cancellationToken)
    {
        if (await index.GetBucketAsync(version.Bucket, cancellationToken) is not { } bucket)
            return null;
        var posted = EventsFor(bucket, Index.Events.EventNames.ObjectRestorePost, version.Key) ?? [];
        var completed = (EventsFor(bucket, Index.Events.EventNames.ObjectRestoreCompleted, version.Key) ?? [])
            .Select(e => e with { RestoreExpiry = expiry, RestoreStorageClass = version.StorageClass });
        var events = posted.Concat(completed).ToList();
        return events.Count == 0 ? null : events;
    }
}
