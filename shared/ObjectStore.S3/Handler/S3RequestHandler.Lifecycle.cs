using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using ObjectStore.Index;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;

namespace ObjectStore.S3;

/// <summary>Bucket lifecycle configuration and RestoreObject.</summary>
public sealed partial class S3RequestHandler
{
    private const int LifecycleBodyLimit = 1024 * 1024;

    private async Task PutBucketLifecycleAsync(S3Call call)
    {
        var bytes = await S3XmlRequest.ReadCappedAsync(call.Body!, LifecycleBodyLimit, call.Aborted);
        if (bytes.Length == 0)
            throw new S3Exception(S3Errors.MalformedXML);
        string xml;
        try
        {
            xml = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            throw new S3Exception(S3Errors.MalformedXML);
        }
        await _buckets.PutBucketLifecycleAsync(call.Bucket, xml, call.Aborted);
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentLength = 0;
    }

    private async Task GetBucketLifecycleAsync(S3Call call)
    {
        var xml = await _buckets.GetBucketLifecycleAsync(call.Bucket, call.Aborted);
        var bytes = Encoding.UTF8.GetBytes(xml);
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentType = "application/xml";
        call.Response.ContentLength = bytes.Length;
        await call.Response.Body.WriteAsync(bytes, call.Aborted);
    }

    private async Task DeleteBucketLifecycleAsync(S3Call call)
    {
        await _buckets.DeleteBucketLifecycleAsync(call.Bucket, call.Aborted);
        call.Response.StatusCode = StatusCodes.Status204NoContent;
    }

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
