using Microsoft.AspNetCore.Http;
using ObjectStore.Objects;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Protocol;

namespace ObjectStore.S3;

/// <summary>Reads the source of a copy (CopyObject, UploadPartCopy) and checks its x-amz-copy-source-if-* conditions.</summary>
internal sealed class CopySourceReader(ObjectService objects, TimeProvider time)
{
    private readonly ObjectService _objects = objects;
    private readonly TimeProvider _time = time;

    /// <summary>The copy source, with the x-amz-copy-source-if-* conditions checked (412 when one fails).</summary>
    public async Task<Index.ObjectRecord> GetCopySourceAsync(S3Call call, string bucket, string key, string? versionId)
    {
        var headers = call.Request.Headers;
        var source = await _objects.GetObjectAsync(bucket, key, versionId, call.Aborted);
        var sourceConditions = S3RequestHeaders.Preconditions(headers, "x-amz-copy-source-");
        if (sourceConditions.EvaluateForCopySource(source.ETag, source.LastModified, _time.GetUtcNow()) != PreconditionOutcome.Proceed)
            throw new S3Exception(S3Errors.PreconditionFailed, resource: call.ResourceName)
            {
                Details = new Dictionary<string, string> { ["Condition"] = FailedCopyCondition(headers) },
            };
        return source;
    }

    private static string FailedCopyCondition(Microsoft.AspNetCore.Http.IHeaderDictionary headers) =>
        headers.ContainsKey("x-amz-copy-source-if-match") ? "x-amz-copy-source-If-Match"
        : headers.ContainsKey("x-amz-copy-source-if-none-match") ? "x-amz-copy-source-If-None-Match"
        : headers.ContainsKey("x-amz-copy-source-if-unmodified-since") ? "x-amz-copy-source-If-Unmodified-Since"
        : "x-amz-copy-source-If-Modified-Since";
}
