using ObjectStore.Index;
using ObjectStore.Objects.Errors;

namespace ObjectStore.Objects;

/// <summary>A bucket's ACL and its Object Ownership, both kept in the bucket record's configuration.</summary>
internal sealed partial class BucketService
{
    /// <summary>A new bucket's record with its ownership controls and, if asked for, its ACL (checked as PutBucketAcl checks it).</summary>
    private BucketRecord WithAccessControl(BucketRecord record, AclRequest? acl, ObjectOwnership ownership)
    {
        var configuration = new Dictionary<string, string>(record.Configuration, StringComparer.Ordinal)
        {
            [ObjectOwnerships.ConfigurationName] = ownership.ToString(),
        };
        var withOwnership = record with { Configuration = configuration };
        if (acl is not null)
        {
            // The new bucket's own ownership and public access block limit its ACL, as they limit a PutBucketAcl
            // (S3: InvalidBucketAclWithObjectOwnership when BucketOwnerEnforced meets an ACL granting others).
            AccessControlList? resolved;
            try
            {
                resolved = AclRules.Resolve(acl, record.Owner, withOwnership, _options, "/" + record.Name);
            }
            catch (S3Exception e) when (e.Code == S3Errors.AccessControlListNotSupported)
            {
                throw new S3Exception(S3Errors.InvalidBucketAclWithObjectOwnership, resource: "/" + record.Name);
            }
            if (AccessControlList.ToStored(resolved, record.Owner) is { } stored)
                configuration[AccessControlList.ConfigurationName] = stored;
        }
        return withOwnership;
    }

    /// <summary>PutBucketAcl: replaces the bucket's ACL, checked against its ownership and public access block.</summary>
    public Task PutBucketAclAsync(string name, AclRequest acl, CancellationToken cancellationToken) =>
        UpdateBucketAsync(name, b =>
        {
            var resolved = AclRules.Resolve(acl, b.Owner, b, _options, "/" + name);
            return WithConfiguration(b, AccessControlList.ConfigurationName, AccessControlList.ToStored(resolved, b.Owner));
        }, cancellationToken);

    /// <summary>
    /// PutBucketOwnershipControls. BucketOwnerEnforced is refused (InvalidBucketAclWithObjectOwnership) while
    /// the bucket's ACL grants anyone but its owner, as S3 refuses it.
    /// </summary>
    public Task PutOwnershipAsync(string name, ObjectOwnership? ownership, CancellationToken cancellationToken) =>
        UpdateBucketAsync(name, b =>
        {
            if (ownership == ObjectOwnership.BucketOwnerEnforced && !AclRules.OfBucket(b).IsPrivateTo(b.Owner))
                throw new S3Exception(S3Errors.InvalidBucketAclWithObjectOwnership, resource: "/" + name);
            return WithConfiguration(b, ObjectOwnerships.ConfigurationName, ownership?.ToString());
        }, cancellationToken);

    private static BucketRecord WithConfiguration(BucketRecord bucket, string configurationName, string? document)
    {
        var configuration = new Dictionary<string, string>(bucket.Configuration, StringComparer.Ordinal);
        if (document is null) configuration.Remove(configurationName);
        else configuration[configurationName] = document;
        return bucket with { Configuration = configuration };
    }
}
