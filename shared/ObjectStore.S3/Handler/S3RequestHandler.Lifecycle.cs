using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using ObjectStore.Index;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;

namespace ObjectStore.S3;

/// <summary>RestoreObject and the lifecycle headers of object answers (x-amz-expiration, x-amz-restore).</summary>
public sealed partial class S3RequestHandler
{
    /// <summary>POST ?restore: RestoreRequest with Days and GlacierJobParameters/Tier.</summary>
    private async Task RestoreObjectAsync(S3Call call)
    {
        var root = S3XmlRequest.ExpectRoot(await S3XmlRequest.ReadAsync(call.Body!, SmallXmlBodyLimit, call.Aborted), "RestoreRequest");
        if (S3XmlRequest.Child(root, "Type") is not null || S3XmlRequest.Child(root, "SelectParameters") is not null)
            throw new S3Exception(S3Errors.NotImplemented, "Select restores are not implemented.");
        var daysText = S3XmlRequest.ChildValue(root, "Days")?.Trim();
        if (daysText is null || !int.TryParse(daysText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var days))
            throw new S3Exception(S3Errors.MalformedXML);
        var tier = S3XmlRequest.Child(root, "GlacierJobParameters") is { } job ? S3XmlRequest.ChildValue(job, "Tier")?.Trim() : S3XmlRequest.ChildValue(root, "Tier")?.Trim();
        var result = await _restores.RestoreObjectAsync(await AddressedBucketAsync(call), call.Key, call.QueryValue("versionId"), days, tier, call.Requester, call.Aborted);
        call.Response.StatusCode = result.Accepted ? StatusCodes.Status202Accepted : StatusCodes.Status200OK;
        call.Response.ContentLength = 0;
    }

    /// <summary>x-amz-expiration (the latest version, when an Expiration rule applies) and x-amz-restore.</summary>
    private async Task WriteLifecycleHeadersAsync(S3Call call, ObjectRecord record, BucketRecord? bucket, bool isLatest)
    {
        if (isLatest && await _buckets.ExpirationHeaderAsync(record, bucket, call.Aborted) is { } expiration)
            call.Response.Headers["x-amz-expiration"] = expiration;
        if (_restores.RestoreHeader(record) is { } restore)
            call.Response.Headers["x-amz-restore"] = restore;
    }
}
