using System.Text;

namespace ObjectStore.Objects;

/// <summary>The five permissions of an S3 ACL grant.</summary>
public enum AclPermission { FullControl, Read, Write, ReadAcp, WriteAcp }

/// <summary>
/// One grant: to a canonical user (<paramref name="UserId"/>) or to a group (<paramref name="GroupUri"/>,
/// one of <see cref="AccessControlList.AllUsers"/>, <see cref="AccessControlList.AuthenticatedUsers"/>,
/// <see cref="AccessControlList.LogDelivery"/>).
/// </summary>
public sealed record AclGrant(string? UserId, string? GroupUri, AclPermission Permission)
{
    /// <summary>S3's "public" grant: to everyone or to every signed-in AWS user.</summary>
    public bool IsPublic => GroupUri is AccessControlList.AllUsers or AccessControlList.AuthenticatedUsers;
}

/// <summary>
/// An S3 access control list: the grants of a bucket or an object version (its owner is the record's).
/// Stored compactly (<see cref="Serialize"/>) in ObjectRecord.Acl and BucketRecord.Configuration["acl"];
/// a record without one has the default: FULL_CONTROL for its owner, nothing else.
/// </summary>
public sealed record AccessControlList(IReadOnlyList<AclGrant> Grants)
{
    public const string AllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";
    public const string AuthenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
    public const string LogDelivery = "http://acs.amazonaws.com/groups/s3/LogDelivery";

    /// <summary>The bucket configuration entry of a bucket's ACL.</summary>
    public const string ConfigurationName = "acl";

    /// <summary>The canned ACLs S3 accepts in x-amz-acl (and a POST form's acl field).</summary>
    public static readonly IReadOnlyList<string> CannedNames =
    [
        "private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read",
        "bucket-owner-read", "bucket-owner-full-control", "log-delivery-write",
    ];

    /// <summary>The default ACL: the owner has full control.</summary>
    public static AccessControlList Private(string owner) => new([new AclGrant(owner, null, AclPermission.FullControl)]);

    /// <summary>
    /// A canned ACL's grants, or null when <paramref name="name"/> is not one. The owner always has full
    /// control; bucket-owner-* add the bucket owner when it is someone else. aws-exec-read's grant to
    /// Amazon's EC2 user has no meaning here: it is the owner's full control only.
    /// </summary>
    public static AccessControlList? Canned(string name, string owner, string bucketOwner)
    {
        var owned = new AclGrant(owner, null, AclPermission.FullControl);
        List<AclGrant>? grants = name switch
        {
            "private" or "aws-exec-read" => [owned],
            "public-read" => [owned, new(null, AllUsers, AclPermission.Read)],
            "public-read-write" => [owned, new(null, AllUsers, AclPermission.Read), new(null, AllUsers, AclPermission.Write)],
            "authenticated-read" => [owned, new(null, AuthenticatedUsers, AclPermission.Read)],
            "bucket-owner-read" => bucketOwner == owner ? [owned] : [owned, new(bucketOwner, null, AclPermission.Read)],
            "bucket-owner-full-control" => bucketOwner == owner ? [owned] : [owned, new(bucketOwner, null, AclPermission.FullControl)],
            "log-delivery-write" => [owned, new(null, LogDelivery, AclPermission.Write), new(null, LogDelivery, AclPermission.ReadAcp)],
            _ => null,
        };
        return grants is null ? null : new AccessControlList(grants);
    }

    /// <summary>Any grant to AllUsers or AuthenticatedUsers (what BlockPublicAcls refuses).</summary>
    public bool IsPublic => Grants.Any(g => g.IsPublic);

    /// <summary>The same grants without the public ones (what IgnorePublicAcls leaves).</summary>
    public AccessControlList WithoutPublicGrants() => new(Grants.Where(g => !g.IsPublic).ToList());

    /// <summary>True when the list is the default one for <paramref name="owner"/> (stored as null).</summary>
    public bool IsPrivateTo(string owner) => Grants.Count == 1 && Grants[0] == new AclGrant(owner, null, AclPermission.FullControl);

    /// <summary>
    /// Whether a grant gives <paramref name="permission"/> (directly or through FULL_CONTROL) to a caller:
    /// anyone (AllUsers), <paramref name="authenticated"/> callers (AuthenticatedUsers), or the canonical
    /// user <paramref name="canonicalId"/>.
    /// </summary>
    public bool Allows(AclPermission permission, bool authenticated, string? canonicalId) =>
        Grants.Any(g => (g.Permission == permission || g.Permission == AclPermission.FullControl)
            && (g.GroupUri == AllUsers
                || (authenticated && g.GroupUri == AuthenticatedUsers)
                || (canonicalId is not null && g.UserId == canonicalId)));

    public static string PermissionName(AclPermission permission) => permission switch
    {
        AclPermission.FullControl => "FULL_CONTROL",
        AclPermission.Read => "READ",
        AclPermission.Write => "WRITE",
        AclPermission.ReadAcp => "READ_ACP",
        _ => "WRITE_ACP",
    };

    public static AclPermission? ParsePermission(string? name) => name switch
    {
        "FULL_CONTROL" => AclPermission.FullControl,
        "READ" => AclPermission.Read,
        "WRITE" => AclPermission.Write,
        "READ_ACP" => AclPermission.ReadAcp,
        "WRITE_ACP" => AclPermission.WriteAcp,
        _ => null,
    };

    /// <summary>Compact storage form: grants separated by '\n', each "PERMISSION id=canonical" or "PERMISSION uri=group".</summary>
    public string Serialize()
    {
        var text = new StringBuilder();
        foreach (var g in Grants)
        {
            if (text.Length > 0) text.Append('\n');
            text.Append(PermissionName(g.Permission)).Append(g.UserId is not null ? " id=" : " uri=").Append(g.UserId ?? g.GroupUri);
        }
        return text.ToString();
    }

    /// <summary>The stored list, or the default for <paramref name="owner"/> when none is stored.</summary>
    public static AccessControlList ParseOrPrivate(string? stored, string owner)
    {
        if (string.IsNullOrEmpty(stored))
            return Private(owner);
        var grants = new List<AclGrant>();
        foreach (var line in stored.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0 || ParsePermission(line[..space]) is not { } permission)
                throw new InvalidDataException($"Stored ACL grant '{line}' is not valid.");
            var grantee = line[(space + 1)..];
            grants.Add(grantee.StartsWith("id=", StringComparison.Ordinal)
                ? new AclGrant(grantee[3..], null, permission)
                : new AclGrant(null, grantee.StartsWith("uri=", StringComparison.Ordinal) ? grantee[4..] : grantee, permission));
        }
        return new AccessControlList(grants);
    }

    /// <summary>What to store for <paramref name="acl"/> owned by <paramref name="owner"/>: null for the default.</summary>
    public static string? ToStored(AccessControlList? acl, string owner) =>
        acl is null || acl.IsPrivateTo(owner) ? null : acl.Serialize();
}

/// <summary>S3 Object Ownership of a bucket (PutBucketOwnershipControls), stored in BucketRecord.Configuration["ownership"].</summary>
public enum ObjectOwnership
{
    /// <summary>ACLs are disabled: the bucket owner owns every object; only private / bucket-owner-full-control ACLs are accepted.</summary>
    BucketOwnerEnforced,
    /// <summary>ACLs apply; objects written with bucket-owner-full-control are owned by the bucket owner.</summary>
    BucketOwnerPreferred,
    /// <summary>ACLs apply; the writer owns what it writes (S3's behaviour for buckets without ownership controls).</summary>
    ObjectWriter,
}

public static class ObjectOwnerships
{
    public const string ConfigurationName = "ownership";

    /// <summary>The bucket's own setting, or null when it has no ownership controls.</summary>
    public static ObjectOwnership? OfBucket(IReadOnlyDictionary<string, string> configuration) =>
        configuration.TryGetValue(ConfigurationName, out var stored) && Enum.TryParse<ObjectOwnership>(stored, out var value) ? value : null;

    /// <summary>What governs the bucket: its setting, or ObjectWriter (ACLs apply) when it has none, as in S3.</summary>
    public static ObjectOwnership Effective(IReadOnlyDictionary<string, string> configuration) =>
        OfBucket(configuration) ?? ObjectOwnership.ObjectWriter;

    /// <summary>Under BucketOwnerEnforced an ACL may only give the owner full control (private, bucket-owner-full-control).</summary>
    public static bool AclsDisabled(IReadOnlyDictionary<string, string> configuration) =>
        Effective(configuration) == ObjectOwnership.BucketOwnerEnforced;
}
