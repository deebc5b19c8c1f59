using Microsoft.AspNetCore.Http;
using ObjectStore.Index;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;

namespace ObjectStore.S3;

public sealed partial class S3RequestHandler
{
    private async Task ListBucketsAsync(S3Call call)
    {
        var buckets = new List<BucketRecord>();
        await foreach (var b in _buckets.ListBucketsAsync(call.Aborted))
            buckets.Add(b);
        buckets.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        await WriteXmlAsync(call, body => S3XmlResponses.WriteListBucketsAsync(body, _owner, buckets));
    }

    private async Task CreateBucketAsync(S3Call call)
    {
        var root = await S3XmlRequest.ReadAsync(call.Body!, SmallXmlBodyLimit, call.Aborted);
        var region = S3XmlRequest.ParseLocationConstraint(root);
        await _buckets.CreateBucketAsync(call.Bucket, region, call.Aborted);
        call.Response.Headers.Location = "/" + call.Bucket;
        call.Response.ContentLength = 0;
    }

    private async Task DeleteBucketAsync(S3Call call)
    {
        await _buckets.DeleteBucketAsync(call.Bucket, call.Aborted);
        call.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private async Task HeadBucketAsync(S3Call call)
    {
        var bucket = (await AddressedBucketAsync(call)).Require();
        call.Response.Headers["x-amz-bucket-region"] = bucket.Region;
        call.Response.ContentLength = 0;
    }

    private async Task GetBucketLocationAsync(S3Call call)
    {
        var bucket = (await AddressedBucketAsync(call)).Require();
        await WriteXmlAsync(call, body => S3XmlResponses.WriteLocationAsync(body, bucket.Region));
    }

    private async Task GetBucketTaggingAsync(S3Call call)
    {
        var tags = await _buckets.GetBucketTaggingAsync(call.Bucket, call.Aborted);
        await WriteXmlAsync(call, body => S3XmlResponses.WriteTaggingAsync(body, tags));
    }

    private async Task PutBucketTaggingAsync(S3Call call)
    {
        var tags = S3XmlRequest.ParseTagging(await S3XmlRequest.ReadAsync(call.Body!, SmallXmlBodyLimit, call.Aborted));
        await _buckets.PutBucketTaggingAsync(call.Bucket, tags, call.Aborted);
        call.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private async Task DeleteBucketTaggingAsync(S3Call call)
    {
        await _buckets.DeleteBucketTaggingAsync(call.Bucket, call.Aborted);
        call.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private async Task GetBucketVersioningAsync(S3Call call)
    {
        var bucket = (await AddressedBucketAsync(call)).Require();
        await WriteXmlAsync(call, body => S3XmlResponses.WriteVersioningAsync(body, bucket.Versioning));
    }
}
