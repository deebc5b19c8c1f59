using ObjectStore.Index;
using ObjectStore.Objects.Errors;

namespace ObjectStore.Objects;

/// <summary>Object ACLs: read and replaced per version, in the version's index row only (the data is untouched).</summary>
internal sealed partial class ObjectService
{
    /// <summary>
    /// The ACL of the latest version or of <paramref name="versionId"/>, with its owner. A bucket with ACLs
    /// disabled (BucketOwnerEnforced) answers the owner's full control only, whatever was stored before, as S3 does.
    /// </summary>
    public async Task<(ObjectRecord Version, AccessControlList Acl)> GetObjectAclAsync(KnownBucket target, string key, string? versionId, CancellationToken cancellationToken)
    {
        var record = await GetObjectAsync(target.Name, key, versionId, cancellationToken, target);
        var bucket = target.Require();
        return (record, ObjectOwnerships.AclsDisabled(bucket.Configuration) ? AccessControlList.Private(record.Owner) : AclRules.OfObject(record));
    }

    /// <summary>
    /// The version whose ACL or tags (s3:ExistingObjectTag) authorization checks (the latest or <paramref name="versionId"/>);
    /// null when there is no such version (or it is a delete marker, or the key is invalid). A GET or HEAD of that same
    /// version may serve this record instead of reading it again: it is what <see cref="GetObjectAsync"/> would return.
    /// </summary>
    public async Task<ObjectRecord?> FindVersionForAuthorizationAsync(string bucket, string key, string? versionId, CancellationToken cancellationToken)
    {
        try
        {
            var record = await index.GetObjectAsync(bucket, key, versionId, cancellationToken);
            return record is null || record.IsDeleteMarker ? null : record;
        }
        catch (Exception e) when (e is S3Exception or ArgumentException or FormatException)
        {
            return null; // a key or version id the index refuses: nothing to grant; the operation reports it
        }
    }

    /// <summary>
    /// PutObjectAcl: replaces one version's ACL (checked as on PutObject) with a conditional update of that
    /// version's row; a concurrent write to the key makes it read again and retry. Returns the version changed.
    /// </summary>
    public async Task<ObjectRecord> PutObjectAclAsync(KnownBucket target, string key, string? versionId, AclRequest request, CancellationToken cancellationToken)
    {
        var bucket = target.Require();
        for (var attempt = 0; ; attempt++)
        {
            var record = await GetObjectAsync(target.Name, key, versionId, cancellationToken, target);
            var stored = AccessControlList.ToStored(AclRules.Resolve(request, record.Owner, bucket, _options, $"/{target.Name}/{key}"), record.Owner);
            if (stored == record.Acl)
                return record;
            var outcome = await index.UpdateVersionAsync(target.Name, key, record.VersionId, record.DataLayout, record.RestoreLayout,
                r => r with { Acl = stored }, cancellationToken);
            switch (outcome.Result)
            {
                case IndexWriteResult.Success:
                    return outcome.Committed!;
                case IndexWriteResult.ConditionFailed or IndexWriteResult.NotFound when attempt < BucketService.MaxConcurrencyRetries:
                    continue; // read again: a concurrent write replaced or removed the version
                default:
                    throw new S3Exception(S3Errors.ServiceUnavailable, "The object is being changed concurrently; please retry.");
            }
        }
    }
}
