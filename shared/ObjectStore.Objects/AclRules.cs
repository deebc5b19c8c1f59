using ObjectStore.Index;
using ObjectStore.Objects.Errors;

namespace ObjectStore.Objects;

/// <summary>
/// An ACL as a request asks for it, before the owners are known: a canned name (x-amz-acl, a POST form's
/// acl) or explicit grants (x-amz-grant-* headers, an AccessControlPolicy body).
/// </summary>
public sealed record AclRequest(string? Canned, IReadOnlyList<AclGrant>? Grants)
{
    public static AclRequest Of(string canned) => new(canned, null);
}

/// <summary>
/// What an ACL may be: its canonical users must exist, a bucket with ACLs disabled (BucketOwnerEnforced)
/// takes none but the owner's full control, and a public access block with BlockPublicAcls refuses a public one.
/// </summary>
public static class AclRules
{
    /// <summary>S3's limit on the grants of one ACL.</summary>
    public const int MaxGrants = 100;

    /// <summary>
    /// The ACL <paramref name="request"/> gives a resource owned by <paramref name="owner"/> in
    /// <paramref name="bucket"/>, checked (InvalidArgument for an unknown canonical user,
    /// AccessControlListNotSupported when ACLs are disabled, AccessDenied under BlockPublicAcls).
    /// Null when the request asks for none.
    /// </summary>
    public static AccessControlList? Resolve(AclRequest? request, string owner, BucketRecord bucket, S3Options options, string resource)
    {
        if (request is null)
            return null;
        var acl = request.Canned is { } canned
            ? AccessControlList.Canned(canned, owner, bucket.Owner) ?? throw InvalidCanned(canned)
            : new AccessControlList(request.Grants ?? []);
        if (acl.Grants.Count > MaxGrants)
            throw new S3Exception(S3Errors.MalformedACLError, resource: resource);
        foreach (var grant in acl.Grants)
        {
            if (grant.UserId is { } id && id != options.OwnerId)
                throw new S3Exception(S3Errors.InvalidArgument, "Invalid id", resource) { Details = new Dictionary<string, string> { ["ArgumentName"] = "CanonicalUser/ID", ["ArgumentValue"] = id } };
            if (grant.GroupUri is { } uri && uri is not (AccessControlList.AllUsers or AccessControlList.AuthenticatedUsers or AccessControlList.LogDelivery))
                throw new S3Exception(S3Errors.InvalidArgument, "Invalid group uri", resource) { Details = new Dictionary<string, string> { ["ArgumentName"] = "Group/URI", ["ArgumentValue"] = uri } };
        }
        if (ObjectOwnerships.AclsDisabled(bucket.Configuration) && !acl.IsPrivateTo(owner) && !acl.IsPrivateTo(bucket.Owner))
            throw new S3Exception(S3Errors.AccessControlListNotSupported, resource: resource);
        if (acl.IsPublic && PublicAccessBlock.Effective(bucket.Configuration, options.PublicAccessBlock).BlockPublicAcls)
            throw new S3Exception(S3Errors.AccessDenied, resource: resource);
        return acl;
    }

    /// <summary>The bucket's ACL (the default when none is stored).</summary>
    public static AccessControlList OfBucket(BucketRecord bucket) =>
        AccessControlList.ParseOrPrivate(bucket.Configuration.GetValueOrDefault(AccessControlList.ConfigurationName), bucket.Owner);

    /// <summary>The version's ACL (the default when none is stored).</summary>
    public static AccessControlList OfObject(ObjectRecord record) => AccessControlList.ParseOrPrivate(record.Acl, record.Owner);

    public static S3Exception InvalidCanned(string value) =>
        new(S3Errors.InvalidArgument) { Details = new Dictionary<string, string> { ["ArgumentName"] = "x-amz-acl", ["ArgumentValue"] = value } };
}
