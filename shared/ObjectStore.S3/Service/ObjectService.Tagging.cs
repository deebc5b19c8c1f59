using ObjectStore.Index;
using ObjectStore.S3.Errors;

namespace ObjectStore.S3.Service;

internal sealed partial class ObjectService
{
    public async Task<IReadOnlyDictionary<string, string>> GetObjectTaggingAsync(string bucket, string key, string? versionId, CancellationToken cancellationToken) =>
        (await GetObjectAsync(bucket, key, versionId, cancellationToken)).Tags;

    public Task<ObjectRecord> PutObjectTaggingAsync(string bucket, string key, string? versionId, IReadOnlyList<KeyValuePair<string, string>> tags, CancellationToken cancellationToken)
    {
        var validated = ObjectRules.Tags(tags, ObjectRules.MaxObjectTags);
        return UpdateObjectTagsAsync(bucket, key, versionId, validated, cancellationToken);
    }

    public Task<ObjectRecord> DeleteObjectTaggingAsync(string bucket, string key, string? versionId, CancellationToken cancellationToken) =>
        UpdateObjectTagsAsync(bucket, key, versionId, new Dictionary<string, string>(), cancellationToken);

    /// <summary>
    /// Rewrites the current record with new tags, conditional on its ETag and carrying its concurrency
    /// token, retried if another write got in between. The data is shared, so nothing is deleted.
    /// </summary>
    private async Task<ObjectRecord> UpdateObjectTagsAsync(string bucket, string key, string? versionId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await GetObjectAsync(bucket, key, versionId, cancellationToken);
            var updated = current with { Tags = tags };
            var outcome = await index.PutObjectAsync(updated, WriteCondition.ETagMatches(current.ETag), cancellationToken);
            switch (outcome.Result)
            {
                case IndexWriteResult.Success:
                    return updated;
                case IndexWriteResult.NotFound:
                    throw S3Errors.NoSuchKeyError(bucket, key);
                case IndexWriteResult.ConditionFailed when attempt < MaxConcurrencyRetries:
                    Log.TagUpdateRetry(logger, bucket, key);
                    continue;
                default:
                    throw new S3Exception(S3Errors.ServiceUnavailable, "The object is being changed concurrently; please retry.");
            }
        }
    }

    /// <summary>One page of a listing; NoSuchBucket when the bucket does not exist.</summary>
    public async Task<ObjectListing> ListObjectsAsync(ListRequest request, CancellationToken cancellationToken)
    {
        await RequireBucketAsync(request.Bucket, cancellationToken);
        if (request.MaxKeys == 0)
            return new ObjectListing([], [], false, null);
        return await index.ListObjectsAsync(request, cancellationToken);
    }
}
