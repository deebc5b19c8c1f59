using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ObjectStore.Objects;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;

namespace ObjectStore.S3;

/// <summary>
/// ?acl on buckets and objects (GetBucketAcl, PutBucketAcl, GetObjectAcl, PutObjectAcl, with versionId) and
/// ?ownershipControls (Object Ownership). The ACL of a Put comes from the headers (x-amz-acl or
/// x-amz-grant-*) or from an AccessControlPolicy body, never both (UnexpectedContent, as S3 answers).
/// </summary>
internal sealed partial class AclHandler(BucketService buckets, ObjectService objects, IOptions<S3Options> options, ILogger<AclHandler> logger)
{
    /// <summary>An AccessControlPolicy of 100 grants is well under this.</summary>
    private const int MaxPolicyBytes = 64 * 1024;

    private readonly BucketService _buckets = buckets;
    private readonly ObjectService _objects = objects;
    private readonly S3Options _options = options.Value;
    private readonly ILogger _logger = logger;

    public async Task GetBucketAclAsync(S3Call call)
    {
        var bucket = (await call.AddressedBucketAsync(_buckets)).Require();
        var acl = ObjectOwnerships.AclsDisabled(bucket.Configuration) ? AccessControlList.Private(bucket.Owner) : AclRules.OfBucket(bucket);
        await WriteXmlAsync(call, body => S3XmlResponses.WriteAccessControlPolicyAsync(body, Owner(bucket.Owner), acl, DisplayName));
    }

    public async Task PutBucketAclAsync(S3Call call)
    {
        (await call.AddressedBucketAsync(_buckets)).Require();
        var request = await ReadAclRequestAsync(call);
        await _buckets.PutBucketAclAsync(call.Bucket, request, call.Aborted);
        Log.BucketAclChanged(_logger, call.Bucket, request.Canned ?? $"{request.Grants?.Count ?? 0} grants");
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentLength = 0;
    }

    public async Task GetObjectAclAsync(S3Call call)
    {
        var (version, acl) = await _objects.GetObjectAclAsync(await call.AddressedBucketAsync(_buckets), call.Key, call.Route.VersionId, call.Aborted);
        if (call.Route.VersionId is not null)
            call.Response.Headers["x-amz-version-id"] = version.VersionId;
        await WriteXmlAsync(call, body => S3XmlResponses.WriteAccessControlPolicyAsync(body, Owner(version.Owner), acl, DisplayName));
    }

    public async Task PutObjectAclAsync(S3Call call)
    {
        var target = await call.AddressedBucketAsync(_buckets);
        target.Require();
        var request = await ReadAclRequestAsync(call);
        var version = await _objects.PutObjectAclAsync(target, call.Key, call.Route.VersionId, request, call.Aborted);
        Log.ObjectAclChanged(_logger, call.Bucket, call.Key, version.VersionId, request.Canned ?? $"{request.Grants?.Count ?? 0} grants");
        if (version.VersionId != Index.VersionIds.Null)
            call.Response.Headers["x-amz-version-id"] = version.VersionId;
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentLength = 0;
    }

    public async Task GetBucketOwnershipControlsAsync(S3Call call)
    {
        var bucket = (await call.AddressedBucketAsync(_buckets)).Require();
        var ownership = ObjectOwnerships.OfBucket(bucket.Configuration)
            ?? throw new S3Exception(S3Errors.OwnershipControlsNotFound, resource: call.ResourceName)
            {
                Details = new Dictionary<string, string> { ["BucketName"] = call.Bucket },
            };
        await WriteXmlAsync(call, body => S3XmlResponses.WriteOwnershipControlsAsync(body, ownership));
    }

    public async Task PutBucketOwnershipControlsAsync(S3Call call)
    {
        (await call.AddressedBucketAsync(_buckets)).Require();
        var ownership = S3XmlRequest.ParseOwnershipControls(await S3XmlRequest.ReadAsync(call.Body!, SmallXmlBodyLimit, call.Aborted));
        await _buckets.PutOwnershipAsync(call.Bucket, ownership, call.Aborted);
        Log.OwnershipChanged(_logger, call.Bucket, ownership.ToString());
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentLength = 0;
    }

    public async Task DeleteBucketOwnershipControlsAsync(S3Call call)
    {
        (await call.AddressedBucketAsync(_buckets)).Require();
        await _buckets.PutOwnershipAsync(call.Bucket, null, call.Aborted);
        Log.OwnershipChanged(_logger, call.Bucket, "deleted");
        call.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>The ACL a Put*Acl asks for: from the headers or the body, exactly one of them.</summary>
    private static async Task<AclRequest> ReadAclRequestAsync(S3Call call)
    {
        var fromHeaders = AclHeaders.Parse(call.Request.Headers);
        var body = await S3XmlRequest.ReadCappedAsync(call.Body!, MaxPolicyBytes, call.Aborted);
        if (fromHeaders is not null)
            return body.Length == 0 ? fromHeaders : throw new S3Exception(S3Errors.UnexpectedContent, resource: call.ResourceName);
        if (body.Length == 0)
            throw new S3Exception(S3Errors.MalformedACLError, resource: call.ResourceName);
        return S3XmlRequest.ParseAccessControlPolicy(body);
    }

    private S3Owner Owner(string id) => new(id, DisplayName(id) ?? "");

    /// <summary>The display name of a canonical user: the account's; none for others (there are none here).</summary>
    private string? DisplayName(string id) => id == _options.OwnerId ? _options.OwnerDisplayName : null;

    /// <summary>ACL and ownership changes (ids of the ACL range, 1350-1399).</summary>
    private static partial class Log
    {
        [LoggerMessage(EventId = 1350, Level = LogLevel.Information, Message = "Bucket {Bucket}: ACL set ({Acl})")]
        public static partial void BucketAclChanged(ILogger logger, string bucket, string acl);

        [LoggerMessage(EventId = 1351, Level = LogLevel.Information, Message = "Object /{Bucket}/{Key} version {VersionId}: ACL set ({Acl})")]
        public static partial void ObjectAclChanged(ILogger logger, string bucket, string key, string versionId, string acl);

        [LoggerMessage(EventId = 1352, Level = LogLevel.Information, Message = "Bucket {Bucket}: object ownership {Ownership}")]
        public static partial void OwnershipChanged(ILogger logger, string bucket, string ownership);
    }
}
