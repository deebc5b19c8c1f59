using Microsoft.AspNetCore.Http;
using ObjectStore.Index;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Protocol;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;

namespace ObjectStore.S3;

public sealed partial class S3RequestHandler
{
    private async Task PutBucketVersioningAsync(S3Call call)
    {
        var status = S3XmlRequest.ParseVersioning(await S3XmlRequest.ReadAsync(call.Body!, SmallXmlBodyLimit, call.Aborted));
        await _buckets.PutBucketVersioningAsync(call.Bucket, status, call.Aborted);
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentLength = 0;
    }

    /// <summary>GET ?versions: prefix, delimiter, key-marker, version-id-marker, max-keys, encoding-type.</summary>
    private async Task ListObjectVersionsAsync(S3Call call)
    {
        // The parameters ListObjects shares (prefix, delimiter, max-keys, encoding-type) are validated alike.
        var query = ListQuery.Parse(call, v2: false);
        var keyMarker = call.QueryValue("key-marker") ?? "";
        var versionIdMarker = call.QueryValue("version-id-marker") ?? "";
        if (versionIdMarker.Length > 0 && keyMarker.Length == 0)
            throw new S3Exception(S3Errors.InvalidArgument, "A version-id marker cannot be specified without a key marker.")
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "version-id-marker", ["ArgumentValue"] = versionIdMarker },
            };

        var listing = await _objects.ListVersionsAsync(new VersionListRequest(call.Bucket, query.Prefix, query.Delimiter,
            keyMarker.Length == 0 ? null : keyMarker, versionIdMarker.Length == 0 ? null : versionIdMarker, query.MaxKeys), call.Aborted);

        Func<string, string> encode = query.UrlEncode ? S3UrlEncoding.Encode : s => s;
        var page = new ListVersionsPage(call.Bucket, encode(query.Prefix), query.Delimiter is null ? null : encode(query.Delimiter),
            encode(keyMarker), versionIdMarker, query.MaxKeys, query.UrlEncode ? S3UrlEncoding.Url : null, listing, _owner)
        {
            EncodeKey = encode,
        };
        await WriteXmlAsync(call, body => S3XmlResponses.WriteListVersionsAsync(body, page));
    }
}
