using ObjectStore.Objects.Errors;
using ObjectStore.S3.Protocol;
using ObjectStore.Objects;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;

namespace ObjectStore.S3;

internal sealed partial class ObjectsHandler
{
    public async Task CopyObjectAsync(S3Call call)
    {
        var headers = call.Request.Headers;
        var (sourceBucket, sourceKey, sourceVersion) = ParseCopySource(call.Route.CopySource ?? "");
        var replaceMetadata = S3RequestHeaders.IsReplace(headers, "x-amz-metadata-directive");
        var replaceTags = S3RequestHeaders.IsReplace(headers, "x-amz-tagging-directive");
        var condition = S3RequestHeaders.WriteCondition(headers);
        var attributes = S3RequestHeaders.Attributes(headers) with { Encryption = RequestedEncryption(call) };
        var sourceCustomerKey = CustomerKey(call, CopySourceCustomerPrefix);

        var source = await _copySources.GetCopySourceAsync(call, sourceBucket, sourceKey, sourceVersion);
        var record = await _objects.CopyObjectAsync(
            new CopySpec(source, call.Bucket, call.Key, attributes, replaceMetadata, replaceTags, condition) { SourceVersionNamed = sourceVersion is not null },
            sourceCustomerKey, await call.AddressedBucketAsync(_buckets), call.Requester, call.Aborted);
        if (sourceVersion is not null || source.VersionId != Index.VersionIds.Null)
            call.Response.Headers["x-amz-copy-source-version-id"] = source.VersionId;
        WriteVersionHeader(call.Response, record.VersionId);
        WriteEncryptionHeaders(call.Response, record.Encryption);
        await WriteXmlAsync(call, body => S3XmlResponses.WriteCopyObjectResultAsync(body, record.ETag, record.LastModified, record.ChecksumAlgorithm, record.ChecksumValue));
    }

    /// <summary>
    /// x-amz-copy-source: <c>/bucket/key</c> or <c>bucket/key</c>, URL-encoded, with an optional
    /// <c>?versionId=</c>. Returns the decoded bucket, key and version id. The whole source is decoded
    /// before it is split at the first '/': AWSSDK.S3 encodes the separator too (<c>bucket%2Fkey</c>),
    /// which S3 accepts; a bucket name never holds a '/', so the split is unambiguous.
    /// </summary>
    internal static (string Bucket, string Key, string? VersionId) ParseCopySource(string header)
    {
        var value = header.Trim();
        string? versionId = null;
        var q = value.IndexOf('?');
        if (q >= 0)
        {
            var query = value[(q + 1)..];
            value = value[..q];
            foreach (var part in query.Split('&'))
            {
                if (part.StartsWith("versionId=", StringComparison.Ordinal))
                    versionId = S3Addressing.DecodeSegment(part["versionId=".Length..]);
            }
        }
        value = S3Addressing.DecodeSegment(value);
        if (value.StartsWith('/')) value = value[1..];
        var slash = value.IndexOf('/');
        if (slash <= 0 || slash == value.Length - 1)
            throw new S3Exception(S3Errors.InvalidArgument, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey")
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "x-amz-copy-source", ["ArgumentValue"] = header },
            };
        var bucket = value[..slash];
        var key = value[(slash + 1)..];
        S3Addressing.ValidateKey(key);
        return (bucket, key, string.IsNullOrEmpty(versionId) ? null : versionId);
    }
}
