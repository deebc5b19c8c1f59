using Microsoft.AspNetCore.Http;
using ObjectStore.Objects;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;

namespace ObjectStore.S3;

/// <summary>
/// Object Lock: the bucket's ?object-lock configuration and a version's ?retention and ?legal-hold
/// (docs/object-lock.md). PutObjectRetention and PutObjectLegalHold are authorized here, once their body
/// is read: the s3:object-lock-* condition keys come from it.
/// </summary>
internal sealed class ObjectLockHandler(ObjectLockService locks, BucketService buckets)
{
    private readonly ObjectLockService _locks = locks;
    private readonly BucketService _buckets = buckets;

    public async Task PutObjectLockConfigurationAsync(S3Call call)
    {
        var configuration = ObjectLockXml.ParseConfiguration(await S3XmlRequest.ReadAsync(call.Body!, SmallXmlBodyLimit, call.Aborted));
        await _buckets.PutObjectLockConfigurationAsync(call.Bucket, configuration, call.Aborted);
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentLength = 0;
    }

    public async Task GetObjectLockConfigurationAsync(S3Call call)
    {
        var configuration = await _buckets.GetObjectLockConfigurationAsync(call.Bucket, call.Aborted);
        await WriteXmlAsync(call, body => ObjectLockXml.WriteConfigurationAsync(body, configuration));
    }

    public async Task PutObjectRetentionAsync(S3Call call)
    {
        var retention = ObjectLockXml.ParseRetention(await S3XmlRequest.ReadAsync(call.Body!, SmallXmlBodyLimit, call.Aborted));
        call.ObjectLockConditions = ObjectLockConditions.Of(retention.Mode, retention.RetainUntil, null);
        await call.AuthorizeAsync("s3:PutObjectRetention", call.Bucket, call.Key, call.Route.VersionId, call.Aborted);
        var record = await _locks.PutRetentionAsync(await call.AddressedBucketAsync(_buckets), call.Key, call.Route.VersionId, retention, call.BypassGovernance, call.Aborted);
        WriteVersion(call, record.VersionId);
    }

    public async Task GetObjectRetentionAsync(S3Call call)
    {
        var retention = await _locks.GetRetentionAsync(await call.AddressedBucketAsync(_buckets), call.Key, call.Route.VersionId, call.Aborted);
        await WriteXmlAsync(call, body => ObjectLockXml.WriteRetentionAsync(body, retention));
    }

    public async Task PutObjectLegalHoldAsync(S3Call call)
    {
        var on = ObjectLockXml.ParseLegalHold(await S3XmlRequest.ReadAsync(call.Body!, SmallXmlBodyLimit, call.Aborted));
        call.ObjectLockConditions = ObjectLockConditions.Of(null, null, on);
        await call.AuthorizeAsync("s3:PutObjectLegalHold", call.Bucket, call.Key, call.Route.VersionId, call.Aborted);
        var record = await _locks.PutLegalHoldAsync(await call.AddressedBucketAsync(_buckets), call.Key, call.Route.VersionId, on, call.Aborted);
        WriteVersion(call, record.VersionId);
    }

    public async Task GetObjectLegalHoldAsync(S3Call call)
    {
        var on = await _locks.GetLegalHoldAsync(await call.AddressedBucketAsync(_buckets), call.Key, call.Route.VersionId, call.Aborted);
        await WriteXmlAsync(call, body => ObjectLockXml.WriteLegalHoldAsync(body, on));
    }

    private static void WriteVersion(S3Call call, string versionId)
    {
        if (versionId != Index.VersionIds.Null)
            call.Response.Headers["x-amz-version-id"] = versionId;
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentLength = 0;
    }
}
