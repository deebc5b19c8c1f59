using ObjectStore.Objects;
using static ObjectStore.S3.Xml.S3XmlWriter;

namespace ObjectStore.S3.Xml;

internal static partial class S3XmlResponses
{
    private const string XsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";

    /// <summary>GetBucketAcl / GetObjectAcl: the owner and every grant (canonical users with their display name).</summary>
    public static async Task WriteAccessControlPolicyAsync(Stream destination, S3Owner owner, AccessControlList acl, Func<string, string?> displayName)
    {
        await using var w = Create(destination);
        await StartAsync(w, "AccessControlPolicy"); // xmlns:xsi on each Grantee, as S3 writes it (s3cmd expects the root's xmlns alone)
        await OwnerAsync(w, owner.Id, owner.DisplayName);
        await w.WriteStartElementAsync(null, "AccessControlList", null);
        foreach (var grant in acl.Grants)
        {
            await w.WriteStartElementAsync(null, "Grant", null);
            await w.WriteStartElementAsync(null, "Grantee", null);
            await w.WriteAttributeStringAsync("xsi", "type", XsiNamespace, grant.UserId is not null ? "CanonicalUser" : "Group");
            if (grant.UserId is { } id)
            {
                await ElementAsync(w, "ID", id);
                await OptionalElementAsync(w, "DisplayName", displayName(id));
            }
            else
            {
                await ElementAsync(w, "URI", grant.GroupUri!);
            }
            await w.WriteEndElementAsync();
            await ElementAsync(w, "Permission", AccessControlList.PermissionName(grant.Permission));
            await w.WriteEndElementAsync();
        }
        await w.WriteEndElementAsync();
        await EndAsync(w);
    }

    public static async Task WriteOwnershipControlsAsync(Stream destination, ObjectOwnership ownership)
    {
        await using var w = Create(destination);
        await StartAsync(w, "OwnershipControls");
        await w.WriteStartElementAsync(null, "Rule", null);
        await ElementAsync(w, "ObjectOwnership", ownership.ToString());
        await w.WriteEndElementAsync();
        await EndAsync(w);
    }
}
