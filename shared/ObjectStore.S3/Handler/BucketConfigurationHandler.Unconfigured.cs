using Microsoft.AspNetCore.Http;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;

namespace ObjectStore.S3;

/// <summary>
/// Bucket configurations this store does not keep (transfer acceleration, server access logging, website
/// hosting, replication): reading one answers what S3 answers for a bucket that never had it, and deleting
/// one succeeds with nothing to delete, so tools that read them before acting go on; setting one is
/// NotImplemented (the dispatch table's default). See docs/compatibility.md.
/// </summary>
internal sealed partial class BucketConfigurationHandler
{
    /// <summary>An empty AccelerateConfiguration: S3 gives no Status for a bucket whose acceleration was never set.</summary>
    public async Task GetBucketAccelerateConfigurationAsync(S3Call call)
    {
        (await call.AddressedBucketAsync(_buckets)).Require();
        await WriteXmlAsync(call, body => S3XmlResponses.WriteEmptyAsync(body, "AccelerateConfiguration"));
    }

    /// <summary>An empty BucketLoggingStatus: logging is off (this store's request log is docs/logging.md).</summary>
    public async Task GetBucketLoggingAsync(S3Call call)
    {
        (await call.AddressedBucketAsync(_buckets)).Require();
        await WriteXmlAsync(call, body => S3XmlResponses.WriteEmptyAsync(body, "BucketLoggingStatus"));
    }

    public async Task GetBucketWebsiteAsync(S3Call call)
    {
        (await call.AddressedBucketAsync(_buckets)).Require();
        throw NotConfigured(call, S3Errors.NoSuchWebsiteConfiguration);
    }

    public async Task GetBucketReplicationAsync(S3Call call)
    {
        (await call.AddressedBucketAsync(_buckets)).Require();
        throw NotConfigured(call, S3Errors.ReplicationConfigurationNotFoundError);
    }

    /// <summary>DeleteBucketWebsite and DeleteBucketReplication: S3 succeeds when there is none to delete.</summary>
    public async Task DeleteUnconfiguredAsync(S3Call call)
    {
        (await call.AddressedBucketAsync(_buckets)).Require();
        call.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static S3Exception NotConfigured(S3Call call, S3ErrorCode code) =>
        new(code, resource: call.ResourceName) { Details = new Dictionary<string, string> { ["BucketName"] = call.Bucket } };
}
