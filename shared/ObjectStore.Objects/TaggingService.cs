using ObjectStore.Index;
using ObjectStore.Index.Events;
using ObjectStore.Objects.Errors;
using static ObjectStore.Objects.ObjectCommitter;

namespace ObjectStore.Objects;

/// <summary>Object tagging: the tags of a version, read, replaced and deleted (the data is shared, so nothing is deleted).</summary>
internal sealed class TaggingService(IObjectIndex index, ObjectService objects, ObjectCommitter commits)
{
    /// <param name="target">The bucket as the request read it (through the bucket cache): a missing key tells NoSuchKey
    /// from NoSuchBucket with it, without reading the bucket's row again.</param>
    public async Task<IReadOnlyDictionary<string, string>> GetObjectTaggingAsync(KnownBucket target, string key, string? versionId, CancellationToken cancellationToken) =>
        (await objects.GetObjectAsync(target.Name, key, versionId, cancellationToken, target)).Tags;

    public Task<ObjectRecord> PutObjectTaggingAsync(KnownBucket target, string key, string? versionId, IReadOnlyList<KeyValuePair<string, string>> tags,
        Requester? requester, CancellationToken cancellationToken)
    {
        var validated = ObjectRules.Tags(tags, ObjectRules.MaxObjectTags);
        return UpdateObjectTagsAsync(target, key, versionId, validated, EventNames.ObjectTaggingPut, requester, cancellationToken);
    }

    public Task<ObjectRecord> DeleteObjectTaggingAsync(KnownBucket target, string key, string? versionId, Requester? requester, CancellationToken cancellationToken) =>
        UpdateObjectTagsAsync(target, key, versionId, new Dictionary<string, string>(), EventNames.ObjectTaggingDelete, requester, cancellationToken);

    /// <summary>Replaces the tags of a version in the index; the data is shared, so nothing is deleted.</summary>
    private async Task<ObjectRecord> UpdateObjectTagsAsync(KnownBucket target, string key, string? versionId, IReadOnlyDictionary<string, string> tags, string eventName,
        Requester? requester, CancellationToken cancellationToken)
    {
        var bucket = target.Name;
        var bucketRecord = target.Require();
        var outcome = await index.UpdateTagsAsync(bucket, key, versionId, tags, cancellationToken, EventsFor(bucketRecord, eventName, key, requester));
        if (outcome.Result == IndexWriteResult.Success)
        {
            await PublishAsync(outcome);
            return outcome.Committed!;
        }
        // Absent or a delete marker: report it as a read would (NoSuchBucket, NoSuchKey, NoSuchVersion, MethodNotAllowed).
        await objects.GetObjectAsync(bucket, key, versionId, cancellationToken, target);
        throw S3Errors.NoSuchKeyError(bucket, key);
    }

    // The shared helpers, by the names the method bodies above use.
    private Task PublishAsync(ObjectWriteOutcome outcome) => commits.PublishAsync(outcome);
}
