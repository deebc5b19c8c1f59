using ObjectStore.Objects.Errors;
using ObjectStore.S3.Protocol;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;
using static ObjectStore.S3.ObjectsHandler;

namespace ObjectStore.S3;

public sealed partial class S3RequestHandler
{
    private const int MaxDeleteObjects = 1000;
    private const int DeleteObjectsBodyLimit = 1024 * 1024;
    // Deletes of one request share Table transactions and reads (the index groups concurrent writes and reads of a bucket).
    private const int DeleteParallelism = 32;

    /// <summary>POST ?delete: up to 1000 keys, each reported as Deleted or Error (Quiet: errors only).</summary>
    private async Task DeleteObjectsAsync(S3Call call)
    {
        var headers = call.Request.Headers;
        var hasDigest = headers.ContainsKey("Content-MD5")
            || headers.Keys.Any(h => h.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase) && !h.Equals("x-amz-checksum-mode", StringComparison.OrdinalIgnoreCase))
            || headers.ContainsKey("x-amz-sdk-checksum-algorithm");
        if (!hasDigest)
            throw new S3Exception(S3Errors.InvalidRequest, "Missing required header for this request: Content-MD5", call.ResourceName);

        (await AddressedBucketAsync(call)).Require();
        await LoadBucketAccessAsync(call, call.Bucket); // read once, before the keys are checked in parallel
        var body = OpenVerifiedBody(call, verifyMd5Here: true);
        var root = await S3XmlRequest.ReadAsync(body.Stream, DeleteObjectsBodyLimit, call.Aborted);
        var (quiet, objects) = S3XmlRequest.ParseDelete(root, MaxDeleteObjects);

        var outcomes = new S3XmlResponses.DeleteOutcome[objects.Count];
        // Keys in parallel, but the entries of one key (its delete marker and versions) in the order
        // given: they all commit against that key's current row, and racing each other gains nothing.
        var byKey = Enumerable.Range(0, objects.Count).GroupBy(i => objects[i].Key, StringComparer.Ordinal).ToList();
        await Parallel.ForEachAsync(byKey,
            new ParallelOptions { MaxDegreeOfParallelism = DeleteParallelism, CancellationToken = call.Aborted },
            async (entries, ct) =>
            {
                foreach (var i in entries)
                    outcomes[i] = await DeleteOneAsync(call, objects[i].Key, objects[i].VersionId, ct);
            });

        await WriteXmlAsync(call, stream => S3XmlResponses.WriteDeleteResultAsync(stream, outcomes, quiet, k => k));
    }

    /// <summary>One entry of a DeleteObjects request: its Deleted result, or its own Error.</summary>
    private async Task<S3XmlResponses.DeleteOutcome> DeleteOneAsync(S3Call call, string key, string? versionId, CancellationToken ct)
    {
        try
        {
            S3Addressing.ValidateKey(key);
            if (key.Length == 0)
                throw new S3Exception(S3Errors.InvalidArgument, "The key must not be empty.");
            RequireWellFormedVersionId(versionId, null);
            // Each key is authorized on its own: a refusal is that key's AccessDenied in the result.
            await RequireAsync(call, versionId is null ? "s3:DeleteObject" : "s3:DeleteObjectVersion", call.Bucket, key, versionId, ct);
            var result = await _objects.DeleteObjectAsync(await AddressedBucketAsync(call), key, versionId, Index.WriteCondition.None, call.Requester, ct,
                versionId is not null && await MayBypassGovernanceAsync(call, key, versionId, ct));
            return versionId is null && result.IsDeleteMarker
                ? new(key, null, null) { DeleteMarkerVersionId = result.VersionId }
                : new(key, versionId, null) { DeleteMarker = result.IsDeleteMarker };
        }
        catch (S3Exception ex)
        {
            return new(key, versionId, ex);
        }
    }
}
