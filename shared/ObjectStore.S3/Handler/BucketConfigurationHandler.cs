using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ObjectStore.Objects;
using ObjectStore.Index;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;

namespace ObjectStore.S3;

/// <summary>
/// Buckets and their configuration documents: create, delete, head, location, tags, versioning, lifecycle,
/// notifications, default encryption and CORS rules (policies and the public access block are
/// <see cref="AccessConfigurationHandler"/>'s).
/// </summary>
internal sealed partial class BucketConfigurationHandler(BucketService buckets, MultipartService uploads, IOptions<S3Options> options, ILogger<BucketConfigurationHandler> logger)
{
    private readonly BucketService _buckets = buckets;
    private readonly MultipartService _uploads = uploads;
    private readonly S3Owner _owner = new(options.Value.OwnerId, options.Value.OwnerDisplayName);
    private readonly ILogger _logger = logger;

    public async Task ListBucketsAsync(S3Call call)
    {
        var buckets = new List<BucketRecord>();
        await foreach (var b in _buckets.ListBucketsAsync(call.Aborted))
            buckets.Add(b);
        buckets.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        await WriteXmlAsync(call, body => S3XmlResponses.WriteListBucketsAsync(body, _owner, buckets));
    }

    public async Task CreateBucketAsync(S3Call call)
    {
        var root = await S3XmlRequest.ReadAsync(call.Body!, SmallXmlBodyLimit, call.Aborted);
        var region = S3XmlRequest.ParseLocationConstraint(root);
        var objectLock = call.Request.Headers["x-amz-bucket-object-lock-enabled"].ToString().Trim().Equals("true", StringComparison.OrdinalIgnoreCase);
        var acl = AclHeaders.Parse(call.Request.Headers);
        ObjectOwnership? ownership = call.Header("x-amz-object-ownership") is { Length: > 0 } requested
            ? Enum.TryParse<ObjectOwnership>(requested, out var parsed) && Enum.IsDefined(parsed) && !char.IsAsciiDigit(requested[0]) ? parsed
                : throw new Objects.Errors.S3Exception(Objects.Errors.S3Errors.InvalidArgument) { Details = new Dictionary<string, string> { ["ArgumentName"] = "x-amz-object-ownership", ["ArgumentValue"] = requested } }
            : null;
        await _buckets.CreateBucketAsync(call.Bucket, region, call.Aborted, objectLock, acl, ownership);
        call.Response.Headers.Location = "/" + call.Bucket;
        call.Response.ContentLength = 0;
    }

    public async Task DeleteBucketAsync(S3Call call)
    {
        try
        {
            await _buckets.DeleteBucketAsync(call.Bucket, call.Aborted);
        }
        catch (Objects.Errors.S3Exception e) when (e.Code == Objects.Errors.S3Errors.BucketNotEmpty)
        {
            // As S3 and radosgw: unfinished multipart uploads do not keep a bucket; they are aborted with it.
            if (!await _uploads.AbortUploadsOfObjectlessBucketAsync(call.Bucket, call.Aborted))
                throw;
            await _buckets.DeleteBucketAsync(call.Bucket, call.Aborted);
        }
        call.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async Task HeadBucketAsync(S3Call call)
    {
        var bucket = (await call.AddressedBucketAsync(_buckets)).Require();
        call.Response.Headers["x-amz-bucket-region"] = bucket.Region;
        call.Response.ContentLength = 0;
    }

    public async Task GetBucketLocationAsync(S3Call call)
    {
        var bucket = (await call.AddressedBucketAsync(_buckets)).Require();
        await WriteXmlAsync(call, body => S3XmlResponses.WriteLocationAsync(body, bucket.Region));
    }

    public async Task GetBucketTaggingAsync(S3Call call)
    {
        var tags = await _buckets.GetBucketTaggingAsync(call.Bucket, call.Aborted);
        await WriteXmlAsync(call, body => S3XmlResponses.WriteTaggingAsync(body, tags));
    }

    public async Task PutBucketTaggingAsync(S3Call call)
    {
        var tags = S3XmlRequest.ParseTagging(await S3XmlRequest.ReadAsync(call.Body!, SmallXmlBodyLimit, call.Aborted));
        await _buckets.PutBucketTaggingAsync(call.Bucket, tags, call.Aborted);
        call.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async Task DeleteBucketTaggingAsync(S3Call call)
    {
        await _buckets.DeleteBucketTaggingAsync(call.Bucket, call.Aborted);
        call.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async Task GetBucketVersioningAsync(S3Call call)
    {
        var bucket = (await call.AddressedBucketAsync(_buckets)).Require();
        await WriteXmlAsync(call, body => S3XmlResponses.WriteVersioningAsync(body, bucket.Versioning));
    }

    public async Task PutBucketVersioningAsync(S3Call call)
    {
        var status = S3XmlRequest.ParseVersioning(await S3XmlRequest.ReadAsync(call.Body!, SmallXmlBodyLimit, call.Aborted));
        await _buckets.PutBucketVersioningAsync(call.Bucket, status, call.Aborted);
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentLength = 0;
    }
}
