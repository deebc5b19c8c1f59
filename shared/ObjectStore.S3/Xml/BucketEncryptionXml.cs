using System.Xml.Linq;
using ObjectStore.Objects.Errors;
using ObjectStore.Objects;

namespace ObjectStore.S3.Xml;

/// <summary>
/// The XML of a bucket's default encryption (PutBucketEncryption): one rule with
/// ApplyServerSideEncryptionByDefault (SSEAlgorithm AES256) and BucketKeyEnabled, validated as S3 does
/// into the model's <see cref="BucketEncryption"/> and stored in its canonical XML in
/// <c>BucketRecord.Configuration["encryption"]</c>.
/// </summary>
internal static class BucketEncryptionXml
{
    private const string Aes256 = BucketEncryption.Aes256;
    private static readonly XNamespace S3 = "http://s3.amazonaws.com/doc/2006-03-01/";

    /// <summary>Parses a request body: MalformedXML for a bad document, NotImplemented for KMS, InvalidArgument for other algorithms or options.</summary>
    public static BucketEncryption Parse(XElement? root)
    {
        var config = S3XmlRequest.ExpectRoot(root, "ServerSideEncryptionConfiguration");
        var rules = S3XmlRequest.Children(config, "Rule").ToList();
        if (rules.Count != 1)
            throw new S3Exception(S3Errors.MalformedXML);
        var rule = rules[0];
        var byDefault = S3XmlRequest.Child(rule, "ApplyServerSideEncryptionByDefault") ?? throw new S3Exception(S3Errors.MalformedXML);
        var algorithm = S3XmlRequest.ChildValue(byDefault, "SSEAlgorithm")?.Trim() ?? throw new S3Exception(S3Errors.MalformedXML);
        var keyEnabled = S3XmlRequest.ChildValue(rule, "BucketKeyEnabled")?.Trim();
        if (keyEnabled is not (null or "true" or "false"))
            throw new S3Exception(S3Errors.MalformedXML);
        switch (algorithm)
        {
            case Aes256:
                break;
            case "aws:kms" or "aws:kms:dsse":
                throw new S3Exception(S3Errors.NotImplemented, "SSE-KMS is not available on this server; use AES256.");
            default:
                throw new S3Exception(S3Errors.MalformedXML);
        }
        if (S3XmlRequest.Child(byDefault, "KMSMasterKeyID") is not null)
            throw new S3Exception(S3Errors.InvalidArgument, "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse")
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "ApplyServerSideEncryptionByDefault" },
            };
        return new BucketEncryption(algorithm, keyEnabled == "true");
    }

    /// <summary>Parses a stored document (already validated).</summary>
    public static BucketEncryption Parse(string stored) => Parse(S3XmlRequest.Parse(System.Text.Encoding.UTF8.GetBytes(stored)));

    /// <summary>The canonical document, as stored and as GetBucketEncryption answers.</summary>
    public static string ToXml(this BucketEncryption configuration) =>
        new XElement(S3 + "ServerSideEncryptionConfiguration",
            new XElement(S3 + "Rule",
                new XElement(S3 + "ApplyServerSideEncryptionByDefault", new XElement(S3 + "SSEAlgorithm", configuration.Algorithm)),
                new XElement(S3 + "BucketKeyEnabled", configuration.BucketKeyEnabled ? "true" : "false"))).ToString(SaveOptions.DisableFormatting);
}
