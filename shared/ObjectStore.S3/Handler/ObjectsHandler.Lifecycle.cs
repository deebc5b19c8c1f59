using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using ObjectStore.Index;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;

namespace ObjectStore.S3;

/// <summary>RestoreObject and the lifecycle headers of object answers (x-amz-expiration, x-amz-restore).</summary>
internal sealed partial class ObjectsHandler
{
    /// <summary>x-amz-expiration (the latest version, when an Expiration rule applies) and x-amz-restore.</summary>
    private async Task WriteLifecycleHeadersAsync(S3Call call, ObjectRecord record, BucketRecord? bucket, bool isLatest)
    {
        if (isLatest && await _buckets.ExpirationHeaderAsync(record, bucket, call.Aborted) is { } expiration)
            call.Response.Headers["x-amz-expiration"] = expiration;
        if (_restores.RestoreHeader(record) is { } restore)
            call.Response.Headers["x-amz-restore"] = restore;
    }
}
