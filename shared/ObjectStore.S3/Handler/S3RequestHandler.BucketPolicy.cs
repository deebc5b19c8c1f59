using System.Text;
using Microsoft.AspNetCore.Http;
using ObjectStore.Objects;
using ObjectStore.S3.Access;
using ObjectStore.S3.Access.Policies;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Xml;

namespace ObjectStore.S3;

/// <summary>?policy, ?policyStatus and ?publicAccessBlock: stored in the bucket record's Configuration.</summary>
public sealed partial class S3RequestHandler
{
    private const string BucketPolicyConfiguration = "policy";

    private async Task PutBucketPolicyAsync(S3Call call)
    {
        var bucket = (await AddressedBucketAsync(call)).Require();
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

    private async Task GetBucketPolicyAsync(S3Call call)
    {
        var policy = await RequireBucketPolicyAsync(call);
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentType = "application/json";
        await call.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(policy), call.Aborted);
    }

    private async Task DeleteBucketPolicyAsync(S3Call call)
    {
        (await AddressedBucketAsync(call)).Require();
        await _buckets.SetBucketConfigurationAsync(call.Bucket, BucketPolicyConfiguration, null, call.Aborted);
        Log.BucketPolicyChanged(_logger, call.Bucket, "deleted", false);
        call.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private async Task GetBucketPolicyStatusAsync(S3Call call)
    {
        var policy = await RequireBucketPolicyAsync(call);
        var isPublic = PublicPolicy.IsPublic(PolicyParser.ParseStored(policy, PolicyKind.Bucket, call.Bucket));
        await WriteXmlAsync(call, body => S3XmlResponses.WritePolicyStatusAsync(body, isPublic));
    }

    private async Task PutPublicAccessBlockAsync(S3Call call)
    {
        (await AddressedBucketAsync(call)).Require();
        var block = S3XmlRequest.ParsePublicAccessBlock(await S3XmlRequest.ReadAsync(call.Body!, SmallXmlBodyLimit, call.Aborted));
        await _buckets.SetBucketConfigurationAsync(call.Bucket, PublicAccessBlock.ConfigurationName, block.Serialize(), call.Aborted);
        Log.PublicAccessBlockChanged(_logger, call.Bucket, block.Serialize());
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentLength = 0;
    }

    private async Task GetPublicAccessBlockAsync(S3Call call)
    {
        var bucket = (await AddressedBucketAsync(call)).Require();
        var block = _options.PublicAccessBlock == PublicAccessBlockMode.Enforce ? PublicAccessBlock.AllOn : PublicAccessBlock.OfBucket(bucket.Configuration)
            ?? throw new S3Exception(S3Errors.NoSuchPublicAccessBlockConfiguration, resource: call.ResourceName)
            {
                Details = new Dictionary<string, string> { ["BucketName"] = call.Bucket },
            };
        await WriteXmlAsync(call, body => S3XmlResponses.WritePublicAccessBlockAsync(body, block));
    }

    private async Task DeletePublicAccessBlockAsync(S3Call call)
    {
        (await AddressedBucketAsync(call)).Require();
        await _buckets.SetBucketConfigurationAsync(call.Bucket, PublicAccessBlock.ConfigurationName, null, call.Aborted);
        Log.PublicAccessBlockChanged(_logger, call.Bucket, "deleted");
        call.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private async Task<string> RequireBucketPolicyAsync(S3Call call)
    {
        var bucket = (await AddressedBucketAsync(call)).Require();
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
}
