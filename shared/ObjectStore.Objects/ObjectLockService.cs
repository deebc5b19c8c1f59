using ObjectStore.Index;
using ObjectStore.Objects.Errors;

namespace ObjectStore.Objects;

/// <summary>
/// Put/GetObjectRetention and Put/GetObjectLegalHold of one version. The rules (COMPLIANCE only extended,
/// GOVERNANCE shortened only with the bypass) are judged by the index on the stored row at commit time
/// (<see cref="ObjectLocks"/>), so two concurrent requests cannot together shorten a retention.
/// </summary>
internal sealed class ObjectLockService(IObjectIndex index, TimeProvider time)
{
    public async Task<ObjectRecord> GetVersionAsync(KnownBucket target, string key, string? versionId, CancellationToken cancellationToken)
    {
        var bucket = target.Require();
        if (BucketObjectLock.Of(bucket) is null)
            throw ObjectLockRules.MissingConfiguration();
        var record = await index.GetObjectAsync(bucket.Name, key, versionId, cancellationToken);
        if (record is null || record.IsDeleteMarker)
            throw Missing(bucket.Name, key, versionId, record);
        return record;
    }

    /// <summary>The version's retention; NoSuchObjectLockConfiguration when it has none.</summary>
    public async Task<ObjectLockRetention> GetRetentionAsync(KnownBucket target, string key, string? versionId, CancellationToken cancellationToken)
    {
        var record = await GetVersionAsync(target, key, versionId, cancellationToken);
        return record.ObjectLockMode is null || record.ObjectLockRetainUntil is null
            ? throw new S3Exception(S3Errors.NoSuchObjectLockConfiguration, resource: $"/{record.Bucket}/{key}")
            : new ObjectLockRetention(record.ObjectLockMode, record.ObjectLockRetainUntil);
    }

    /// <summary>
    /// The version's legal hold, ON (true) or OFF (false, once put and lifted); NoSuchObjectLockConfiguration when
    /// it never had one, as S3 answers.
    /// </summary>
    public async Task<bool> GetLegalHoldAsync(KnownBucket target, string key, string? versionId, CancellationToken cancellationToken)
    {
        var record = await GetVersionAsync(target, key, versionId, cancellationToken);
        return record.ObjectLockLegalHold
            ?? throw new S3Exception(S3Errors.NoSuchObjectLockConfiguration, resource: $"/{record.Bucket}/{key}");
    }

    /// <param name="retention">Mode and date, or both null to remove a retention (GOVERNANCE with the bypass, or an expired one).</param>
    public Task<ObjectRecord> PutRetentionAsync(KnownBucket target, string key, string? versionId, ObjectLockRetention retention, bool bypassGovernance,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(retention);
        if (retention.RetainUntil is { } until && until <= time.GetUtcNow())
            throw new S3Exception(S3Errors.InvalidArgument, "The retain until date must be in the future!");
        return ChangeAsync(target, key, versionId, new ObjectLockChange(retention, null, bypassGovernance), cancellationToken);
    }

    public Task<ObjectRecord> PutLegalHoldAsync(KnownBucket target, string key, string? versionId, bool on, CancellationToken cancellationToken) =>
        ChangeAsync(target, key, versionId, new ObjectLockChange(null, on), cancellationToken);

    private async Task<ObjectRecord> ChangeAsync(KnownBucket target, string key, string? versionId, ObjectLockChange change, CancellationToken cancellationToken)
    {
        var bucket = target.Require();
        if (BucketObjectLock.Of(bucket) is null)
            throw ObjectLockRules.MissingConfiguration();
        var outcome = await index.UpdateObjectLockAsync(bucket.Name, key, versionId, change, cancellationToken);
        return outcome.Result switch
        {
            IndexWriteResult.Success => outcome.Committed!,
            IndexWriteResult.Locked => throw new S3Exception(S3Errors.ObjectLocked, resource: $"/{bucket.Name}/{key}"),
            IndexWriteResult.NotFound => throw Missing(bucket.Name, key, versionId, null),
            _ => throw new InvalidOperationException($"Unexpected index result {outcome.Result} changing the lock of /{bucket.Name}/{key}."),
        };
    }

    private static S3Exception Missing(string bucket, string key, string? versionId, ObjectRecord? marker) =>
        marker is { IsDeleteMarker: true } && versionId is not null
            ? new S3Exception(S3Errors.MethodNotAllowed, resource: $"/{bucket}/{key}") { Details = new Dictionary<string, string> { ["Method"] = "GET", ["ResourceType"] = "DeleteMarker" } }
            : versionId is null ? S3Errors.NoSuchKeyError(bucket, key) : ObjectService.NoSuchVersion(bucket, key, versionId);
}
