using System.Xml.Linq;
using ObjectStore.Objects.Errors;

namespace ObjectStore.S3.Xml;

internal static partial class S3XmlRequest
{
    /// <summary>
    /// A RequestPaymentConfiguration body. Only <c>BucketOwner</c> is accepted: Requester Pays needs billing,
    /// which a self-hosted store has not (MinIO refuses it too), so <c>Requester</c> is NotImplemented; any
    /// other Payer is MalformedXML, as S3 answers.
    /// </summary>
    public static void ParseRequestPayment(XElement? root)
    {
        var config = ExpectRoot(root, "RequestPaymentConfiguration");
        switch (ChildValue(config, "Payer")?.Trim())
        {
            case "BucketOwner":
                return;
            case "Requester":
                throw new S3Exception(S3Errors.NotImplemented, "Requester Pays buckets are not supported: the bucket owner pays for every request.");
            default:
                throw new S3Exception(S3Errors.MalformedXML);
        }
    }
}
