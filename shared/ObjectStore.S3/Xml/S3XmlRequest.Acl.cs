using System.Xml;
using System.Xml.Linq;
using ObjectStore.Objects;
using ObjectStore.Objects.Errors;

namespace ObjectStore.S3.Xml;

internal static partial class S3XmlRequest
{
    private static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    /// <summary>
    /// An AccessControlPolicy body: its grants (the Owner element is not checked). A grantee is a CanonicalUser
    /// (ID), a Group (URI) or an AmazonCustomerByEmail (EmailAddress: UnresolvableGrantByEmailAddress, there are no
    /// e-mail accounts here). Anything else (not XML, another root, a grant without a permission S3 knows, a
    /// grantee without its type or value) is MalformedACLError.
    /// </summary>
    public static AclRequest ParseAccessControlPolicy(byte[] body)
    {
        XElement root;
        try
        {
            root = Lifecycle.BoundedXml.Load(body, keepWhitespace: false);
        }
        catch (XmlException)
        {
            throw new S3Exception(S3Errors.MalformedACLError);
        }
        if (root.Name.LocalName != "AccessControlPolicy")
            throw new S3Exception(S3Errors.MalformedACLError);
        var list = Child(root, "AccessControlList");
        var grants = new List<AclGrant>();
        foreach (var grant in list is null ? [] : Children(list, "Grant"))
        {
            var grantee = Child(grant, "Grantee") ?? throw new S3Exception(S3Errors.MalformedACLError);
            var permission = AccessControlList.ParsePermission(ChildValue(grant, "Permission")?.Trim()) ?? throw new S3Exception(S3Errors.MalformedACLError);
            var type = grantee.Attribute(Xsi + "type")?.Value ?? grantee.Attributes().FirstOrDefault(a => a.Name.LocalName == "type")?.Value;
            var typeName = type?[(type.IndexOf(':', StringComparison.Ordinal) + 1)..];
            string Value(string name) => ChildValue(grantee, name)?.Trim() is { Length: > 0 } v ? v : throw new S3Exception(S3Errors.MalformedACLError);
            grants.Add(typeName switch
            {
                "CanonicalUser" => new AclGrant(Value("ID"), null, permission),
                "Group" => new AclGrant(null, Value("URI"), permission),
                "AmazonCustomerByEmail" => throw new S3Exception(S3Errors.UnresolvableGrantByEmailAddress)
                {
                    Details = new Dictionary<string, string> { ["EmailAddress"] = Value("EmailAddress") },
                },
                _ => throw new S3Exception(S3Errors.MalformedACLError),
            });
        }
        return new AclRequest(null, grants);
    }

    /// <summary>An OwnershipControls body: exactly one Rule with an ObjectOwnership S3 knows, else MalformedXML.</summary>
    public static ObjectOwnership ParseOwnershipControls(XElement? root)
    {
        var controls = ExpectRoot(root, "OwnershipControls");
        var rules = Children(controls, "Rule").ToList();
        if (rules.Count != 1)
            throw new S3Exception(S3Errors.MalformedXML);
        return ChildValue(rules[0], "ObjectOwnership")?.Trim() switch
        {
            nameof(ObjectOwnership.BucketOwnerEnforced) => ObjectOwnership.BucketOwnerEnforced,
            nameof(ObjectOwnership.BucketOwnerPreferred) => ObjectOwnership.BucketOwnerPreferred,
            nameof(ObjectOwnership.ObjectWriter) => ObjectOwnership.ObjectWriter,
            _ => throw new S3Exception(S3Errors.MalformedXML),
        };
    }
}
