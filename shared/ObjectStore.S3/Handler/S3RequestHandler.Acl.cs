using ObjectStore.Objects;
using ObjectStore.Objects.Identity;

namespace ObjectStore.S3;

public sealed partial class S3RequestHandler
{
    /// <summary>
    /// Whether an ACL grant allows the action, once no policy decided it: the bucket's ACL for listing
    /// (READ), writing and deleting objects (WRITE) and its own ACL (READ_ACP, WRITE_ACP); the object
    /// version's ACL for reading it (READ) and its ACL. Only group grants can add to a caller's rights:
    /// AllUsers (anyone, signed or not) and AuthenticatedUsers (any signed caller). A grant to the account's
    /// canonical user does not widen a user's identity policies (users are the account's IAM users, as in S3),
    /// and the root key needs no grant. Nothing is granted when the bucket has ACLs disabled
    /// (BucketOwnerEnforced), and public grants are ignored under IgnorePublicAcls.
    /// </summary>
    private async Task<bool> AclAllowsAsync(S3Call call, BucketAccess access, string action, string? key, string? versionId, CancellationToken cancellationToken)
    {
        if (access.Bucket is not { } bucket || ObjectOwnerships.AclsDisabled(bucket.Configuration))
            return false;
        var (permission, onObject) = AclPermissionFor(action);
        if (permission is not { } needed)
            return false;
        AccessControlList? acl;
        if (onObject)
        {
            if (key is null)
                return false;
            var version = await VersionForAuthorizationAsync(call, bucket.Name, key, versionId, cancellationToken);
            acl = version is null ? null : AclRules.OfObject(version);
        }
        else
        {
            acl = AclRules.OfBucket(bucket);
        }
        if (acl is null)
            return false;
        if (access.Block.IgnorePublicAcls)
            acl = acl.WithoutPublicGrants();
        return acl.Allows(needed, authenticated: call.Caller.Kind != PrincipalKind.Anonymous, canonicalId: null);
    }

    /// <summary>
    /// The live version whose ACL or tags authorization checks, read at most once per request: kept in the call
    /// (<see cref="S3Call.VersionRead"/>), where a GET or HEAD of that same version serves it without reading it again.
    /// </summary>
    private async Task<Index.ObjectRecord?> VersionForAuthorizationAsync(S3Call call, string bucket, string key, string? versionId, CancellationToken cancellationToken)
    {
        if (call.VersionReadFor(bucket, key, versionId) is { } read)
            return read;
        var version = await _objects.FindVersionForAuthorizationAsync(bucket, key, versionId, cancellationToken);
        if (version is not null)
            call.VersionRead = new VersionRead(bucket, key, versionId, version);
        return version;
    }

    /// <summary>The ACL permission that grants an action, and whether the object's ACL (else the bucket's) holds it.</summary>
    private static (AclPermission? Permission, bool OnObject) AclPermissionFor(string action) => action switch
    {
        "s3:ListBucket" or "s3:ListBucketVersions" or "s3:ListBucketMultipartUploads" => (AclPermission.Read, false),
        "s3:PutObject" or "s3:DeleteObject" or "s3:DeleteObjectVersion" or "s3:AbortMultipartUpload" or "s3:ListMultipartUploadParts" => (AclPermission.Write, false),
        "s3:GetBucketAcl" => (AclPermission.ReadAcp, false),
        "s3:PutBucketAcl" => (AclPermission.WriteAcp, false),
        "s3:GetObject" or "s3:GetObjectVersion" => (AclPermission.Read, true),
        "s3:GetObjectAcl" or "s3:GetObjectVersionAcl" => (AclPermission.ReadAcp, true),
        "s3:PutObjectAcl" or "s3:PutObjectVersionAcl" => (AclPermission.WriteAcp, true),
        _ => (null, false),
    };
}
