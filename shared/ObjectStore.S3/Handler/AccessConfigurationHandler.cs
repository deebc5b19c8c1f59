using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ObjectStore.Objects;
using ObjectStore.S3.Access;
using ObjectStore.S3.Access.Policies;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;

namespace ObjectStore.S3;

/// <summary>?policy, ?policyStatus and ?publicAccessBlock: stored in the bucket record's Configuration.</summary>
internal sealed partial class AccessConfigurationHandler(BucketService buckets, IOptions<S3Options> options, ILogger<AccessConfigurationHandler> logger)
{
    internal const string BucketPolicyConfiguration = "policy";

    private readonly BucketService _buckets = buckets;
    private readonly S3Options _options = options.Value;
    private readonly ILogger _logger = logger;

    public async Task PutBucketPolicyAsync(S3Call call)
    {
        var bucket = (await call.AddressedBucketAsync(_buckets)).Require();
        var bytes = await ReadPolicyAsync(call);
        var text = Encoding.UTF8.GetString(bytes);
        if (!PolicyParser.TryParse(text, PolicyKind.Bucket, call.Bucket, out var document, out var error))
            throw new S3Exception(S3Errors.MalformedPolicy, error, call.ResourceName);
        var isPublic = PublicPolicy.IsPublic(document!);
        if (isPublic && PublicAccessBlock.Effective(bucket.Configuration, _options.PublicAccessBlock).BlockPublicPolicy)
            throw new S3Exception(S3Errors.AccessDenied, resource: call.ResourceName);
        await _buckets.SetBucketConfigurationAsync(call.Bucket, BucketPolicyConfiguration, text, call.Aborted);
        Log.BucketPolicyChanged(_logger, call.Bucket, "put", isPublic);
        call.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async Task GetBucketPolicyAsync(S3Call call)
    {
        var policy = await RequireBucketPolicyAsync(call);
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentType = "application/json";
        await call.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(policy), call.Aborted);
    }

    public async Task DeleteBucketPolicyAsync(S3Call call)
    {
        (await call.AddressedBucketAsync(_buckets)).Require();
        await _buckets.SetBucketConfigurationAsync(call.Bucket, BucketPolicyConfiguration, null, call.Aborted);
        Log.BucketPolicyChanged(_logger, call.Bucket, "deleted", false);
        call.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>
    /// IsPublic: the policy is public, or the bucket's ACL grants to AllUsers / AuthenticatedUsers while ACLs
    /// apply (not BucketOwnerEnforced, not IgnorePublicAcls). A bucket without a policy is NoSuchBucketPolicy, as in S3.
    /// </summary>
    public async Task GetBucketPolicyStatusAsync(S3Call call)
    {
        var policy = await RequireBucketPolicyAsync(call);
        var bucket = (await call.AddressedBucketAsync(_buckets)).Require();
        var aclIsPublic = !ObjectOwnerships.AclsDisabled(bucket.Configuration)
            && !PublicAccessBlock.Effective(bucket.Configuration, _options.PublicAccessBlock).IgnorePublicAcls
            && AclRules.OfBucket(bucket).IsPublic;
        var isPublic = aclIsPublic || PublicPolicy.IsPublic(PolicyParser.ParseStored(policy, PolicyKind.Bucket, call.Bucket));
        await WriteXmlAsync(call, body => S3XmlResponses.WritePolicyStatusAsync(body, isPublic));
    }

    public async Task PutPublicAccessBlockAsync(S3Call call)
    {
        (await call.AddressedBucketAsync(_buckets)).Require();
        var block = S3XmlRequest.ParsePublicAccessBlock(await S3XmlRequest.ReadAsync(call.Body!, SmallXmlBodyLimit, call.Aborted));
        await _buckets.SetBucketConfigurationAsync(call.Bucket, PublicAccessBlock.ConfigurationName, block.Serialize(), call.Aborted);
        Log.PublicAccessBlockChanged(_logger, call.Bucket, block.Serialize());
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentLength = 0;
    }

    public async Task GetPublicAccessBlockAsync(S3Call call)
    {
        var bucket = (await call.AddressedBucketAsync(_buckets)).Require();
        var block = _options.PublicAccessBlock == PublicAccessBlockMode.Enforce ? PublicAccessBlock.AllOn : PublicAccessBlock.OfBucket(bucket.Configuration)
            ?? throw new S3Exception(S3Errors.NoSuchPublicAccessBlockConfiguration, resource: call.ResourceName)
            {
                Details = new Dictionary<string, string> { ["BucketName"] = call.Bucket },
            };
        await WriteXmlAsync(call, body => S3XmlResponses.WritePublicAccessBlockAsync(body, block));
    }

    public async Task DeletePublicAccessBlockAsync(S3Call call)
    {
        (await call.AddressedBucketAsync(_buckets)).Require();
        await _buckets.SetBucketConfigurationAsync(call.Bucket, PublicAccessBlock.ConfigurationName, null, call.Aborted);
        Log.PublicAccessBlockChanged(_logger, call.Bucket, "deleted");
        call.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private async Task<string> RequireBucketPolicyAsync(S3Call call)
    {
        var bucket = (await call.AddressedBucketAsync(_buckets)).Require();
        return bucket.Configuration.TryGetValue(BucketPolicyConfiguration, out var policy)
            ? policy
            : throw new S3Exception(S3Errors.NoSuchBucketPolicy, resource: call.ResourceName)
            {
                Details = new Dictionary<string, string> { ["BucketName"] = call.Bucket },
            };
    }

    /// <summary>The policy body, at most 20 KB (S3's limit).</summary>
    private static async Task<byte[]> ReadPolicyAsync(S3Call call)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int n;
        while ((n = await call.Body!.ReadAsync(chunk, call.Aborted)) > 0)
        {
            if (buffer.Length + n > PolicyParser.MaxBucketPolicyLength)
                throw new S3Exception(S3Errors.MalformedPolicy, "Policies cannot exceed 20 KB in size.", call.ResourceName);
            buffer.Write(chunk, 0, n);
        }
        if (buffer.Length == 0)
            throw new S3Exception(S3Errors.MalformedPolicy, "This policy contains invalid Json", call.ResourceName);
        return buffer.ToArray();
    }

    /// <summary>Bucket policy and public access block log events (ids of the access control range, 1100-1139).</summary>
    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Bucket {Bucket}: policy {Change} (public: {IsPublic})")]
        public static partial void BucketPolicyChanged(ILogger logger, string bucket, string change, bool isPublic);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Bucket {Bucket}: public access block {Block}")]
        public static partial void PublicAccessBlockChanged(ILogger logger, string bucket, string block);
    }
}
