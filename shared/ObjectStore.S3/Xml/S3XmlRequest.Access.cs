using System.Xml.Linq;
using ObjectStore.Objects;
using ObjectStore.S3.Access;
using ObjectStore.Objects.Errors;

namespace ObjectStore.S3.Xml;

internal static partial class S3XmlRequest
{
    /// <summary>A PublicAccessBlockConfiguration body: each of the four settings "true" or "false" (absent: false).</summary>
    public static PublicAccessBlock ParsePublicAccessBlock(XElement? root)
    {
        var config = ExpectRoot(root, "PublicAccessBlockConfiguration");
        bool Flag(string name) => ChildValue(config, name)?.Trim() switch
        {
            null => false,
            var v when v.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
            var v when v.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
            _ => throw new S3Exception(S3Errors.MalformedXML),
        };
        return new PublicAccessBlock(Flag("BlockPublicAcls"), Flag("IgnorePublicAcls"), Flag("BlockPublicPolicy"), Flag("RestrictPublicBuckets"));
    }
}
