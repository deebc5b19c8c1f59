using System.Text;
using Microsoft.AspNetCore.Http;
using ObjectStore.Objects;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;

namespace ObjectStore.S3;

/// <summary>?encryption: the bucket's default encryption (the protocol's XML, the model's configuration).</summary>
internal sealed partial class BucketConfigurationHandler
{
    public async Task PutBucketEncryptionAsync(S3Call call)
    {
        var configuration = BucketEncryptionXml.Parse(await S3XmlRequest.ReadAsync(call.Body!, SmallXmlBodyLimit, call.Aborted));
        await _buckets.SetBucketConfigurationAsync(call.Bucket, EncryptionKeys.EncryptionConfigurationName, configuration.ToXml(), call.Aborted);
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentLength = 0;
    }

    public async Task GetBucketEncryptionAsync(S3Call call)
    {
        var bucket = (await call.AddressedBucketAsync(_buckets)).Require();
        if (!bucket.Configuration.TryGetValue(EncryptionKeys.EncryptionConfigurationName, out var xml))
            throw new S3Exception(S3Errors.ServerSideEncryptionConfigurationNotFoundError, resource: "/" + call.Bucket)
            {
                Details = new Dictionary<string, string> { ["BucketName"] = call.Bucket },
            };
        var bytes = Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + xml);
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentType = "application/xml";
        call.Response.ContentLength = bytes.Length;
        await call.Response.Body.WriteAsync(bytes, call.Aborted);
    }

    public async Task DeleteBucketEncryptionAsync(S3Call call)
    {
        await _buckets.SetBucketConfigurationAsync(call.Bucket, EncryptionKeys.EncryptionConfigurationName, null, call.Aborted);
        call.Response.StatusCode = StatusCodes.Status204NoContent;
    }
}
