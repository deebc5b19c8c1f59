using System.Text;
using Microsoft.AspNetCore.Http;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Xml;

namespace ObjectStore.S3;

/// <summary>?lifecycle: the bucket's lifecycle configuration (parsed and stored by the bucket service).</summary>
internal sealed partial class BucketConfigurationHandler
{
    private const int LifecycleBodyLimit = 1024 * 1024;

    public async Task PutBucketLifecycleAsync(S3Call call)
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

    public async Task GetBucketLifecycleAsync(S3Call call)
    {
        var xml = await _buckets.GetBucketLifecycleAsync(call.Bucket, call.Aborted);
        var bytes = Encoding.UTF8.GetBytes(xml);
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentType = "application/xml";
        call.Response.ContentLength = bytes.Length;
        await call.Response.Body.WriteAsync(bytes, call.Aborted);
    }

    public async Task DeleteBucketLifecycleAsync(S3Call call)
    {
        await _buckets.DeleteBucketLifecycleAsync(call.Bucket, call.Aborted);
        call.Response.StatusCode = StatusCodes.Status204NoContent;
    }
}
