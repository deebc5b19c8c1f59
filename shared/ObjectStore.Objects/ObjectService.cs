using Microsoft.Extensions.Options;
using ObjectStore.Index;
using ObjectStore.Index.Events;
using ObjectStore.Objects.Encryption;
using ObjectStore.Objects.Errors;
using ObjectStore.Storage;
using static ObjectStore.Objects.EncryptionKeys;
using static ObjectStore.Objects.ObjectCommitter;
using static ObjectStore.Objects.ObjectData;

namespace ObjectStore.Objects;

/// <summary>
/// Object writes and reads: PutObject, GetObject and its data, DeleteObject, CopyObject, listings. It knows
/// nothing of HTTP or XML: the request handler parses requests into the inputs here and renders the results.
/// </summary>
internal sealed partial class ObjectService(
    IObjectIndex index,
    ObjectData data,
    ObjectCommitter commits,
    EncryptionKeys keys,
    IOptions<S3Options> options,
    TimeProvider time)
{
    private readonly S3Options _options = options.Value;

    /// <summary>
    /// Stores a new object version: writes the data, verifies length and digests, commits the record
    /// under <paramref name="condition"/>, then deletes the data of the version it replaced.
    /// <paramref name="eventName"/>: the event it records (s3:ObjectCreated:Post for a browser form upload).
    /// </summary>
    /// <param name="target">The bucket as the request read it once (not read again here).</param>
    /// <param name="requester">Who made the request, for the event the commit records.</param>
    public async Task<ObjectRecord> PutObjectAsync(KnownBucket target, string key, ObjectAttributes attributes, ObjectBody body, WriteCondition condition,
        Requester? requester, CancellationToken cancellationToken, string eventName = EventNames.ObjectCreatedPut)
    {
        var bucket = target.Name;
        var storageClass = ObjectRules.StorageClass(attributes.StorageClass);
        ObjectRules.CheckUserMetadata(attributes.UserMetadata);
        var tags = ObjectRules.Tags(attributes.Tags, ObjectRules.MaxObjectTags);
        if (body.Length > _options.MaxSinglePutSize)
            throw new S3Exception(S3Errors.EntityTooLarge)
            {
                Details = new Dictionary<string, string> { ["ProposedSize"] = body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ["MaxSizeAllowed"] = _options.MaxSinglePutSize.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            };
        var bucketRecord = target.Require();
        ObjectLockRules.Check(attributes.ObjectLock, bucketRecord, time.GetUtcNow());
        var acl = AccessControlList.ToStored(AclRules.Resolve(attributes.Acl, _options.OwnerId, bucketRecord, _options, $"/{bucket}/{key}"), _options.OwnerId);

        var dataId = NewDataId();
        var (encryption, dataKey) = EffectiveEncryption(attributes.Encryption, bucketRecord) is { } sse ? NewEncryption(sse, dataId) : default;
        try
        {
            var (written, checksum) = await data.WriteBodyAsync(body, dataId, storageClass, dataKey, _options.InlineMaxBytes, cancellationToken);
            var record = new ObjectRecord(bucket, key, dataId, written.Length, ETagOf(written.Md5), time.GetUtcNow(), storageClass, written.Layout)
            {
                Headers = attributes.Headers,
                UserMetadata = attributes.UserMetadata,
                Tags = tags,
                ChecksumAlgorithm = checksum?.Algorithm,
                ChecksumValue = checksum?.Value,
                Owner = _options.OwnerId,
                Encryption = encryption?.Serialize(),
                InlineData = written.Inline.AsNullableMemory(),
                Acl = acl,
            };
            record = ObjectLockRules.ForNewVersion(record, attributes.ObjectLock, bucketRecord, record.LastModified);
            return await CommitAsync(record, bucketRecord, written.Shards, condition, eventName, requester, cancellationToken);
        }
        finally
        {
            Zero(dataKey);
        }
    }

    /// <summary>
    /// The latest version of a key, or the version <paramref name="versionId"/> names ("null" included).
    /// NoSuchBucket / NoSuchKey / NoSuchVersion when absent; a delete marker as the latest version is
    /// NoSuchKey, and a delete marker asked for by id is MethodNotAllowed, both with the marker's headers.
    /// </summary>
    /// <param name="known">The bucket as the request read it, when it did (then it is not read again).</param>
    public async Task<ObjectRecord> GetObjectAsync(string bucket, string key, string? versionId, CancellationToken cancellationToken, KnownBucket? known = null)
    {
        var record = await index.GetObjectAsync(bucket, key, versionId, cancellationToken);
        if (record is null)
        {
            if (known is { } read)
                read.Require();
            else
                await RequireBucketAsync(bucket, cancellationToken);
            throw versionId is null ? S3Errors.NoSuchKeyError(bucket, key) : NoSuchVersion(bucket, key, versionId);
        }
        if (record.IsDeleteMarker)
        {
            var markerHeaders = new Dictionary<string, string> { ["x-amz-delete-marker"] = "true", ["x-amz-version-id"] = record.VersionId };
            if (versionId is null)
                throw new S3Exception(S3Errors.NoSuchKey, resource: $"/{bucket}/{key}") { Details = new Dictionary<string, string> { ["Key"] = key }, Headers = markerHeaders };
            markerHeaders["Last-Modified"] = record.LastModified.UtcDateTime.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            markerHeaders["Allow"] = "DELETE";
            throw new S3Exception(S3Errors.MethodNotAllowed, resource: $"/{bucket}/{key}")
            {
                Details = new Dictionary<string, string> { ["Method"] = "GET", ["ResourceType"] = "DeleteMarker" },
                Headers = markerHeaders,
            };
        }
        return record;
    }

    internal static S3Exception NoSuchVersion(string bucket, string key, string versionId) =>
        new(S3Errors.NoSuchVersion, resource: $"/{bucket}/{key}") { Details = new Dictionary<string, string> { ["Key"] = key, ["VersionId"] = versionId } };

    /// <summary>
    /// DeleteObject: without a version id removes the key (unversioned bucket) or adds a delete marker;
    /// with one, removes that version. Deleting what is not there succeeds, as S3. Returns the version
    /// id to report and whether it is a delete marker.
    /// </summary>
    /// <param name="bypassGovernance">x-amz-bypass-governance-retention: true from a caller allowed s3:BypassGovernanceRetention.</param>
    public async Task<DeleteResult> DeleteObjectAsync(KnownBucket target, string key, string? versionId, WriteCondition condition, Requester? requester,
        CancellationToken cancellationToken, bool bypassGovernance = false)
    {
        var bucket = target.Name;
        var bucketRecord = target.Require();
        var versioning = bucketRecord.VersioningState();
        var eventName = versionId is null && versioning != BucketVersioning.Unversioned ? EventNames.ObjectRemovedDeleteMarkerCreated : EventNames.ObjectRemovedDelete;
        var outcome = await index.DeleteObjectAsync(bucket, key, versionId, condition, versioning, cancellationToken, EventsFor(bucketRecord, eventName, key, requester),
            bypassGovernance);
        switch (outcome.Result)
        {
            case IndexWriteResult.Success:
                await PublishAsync(outcome); // the removed version's data is pending deletion (recorded by the index)
                if (outcome.Committed is { } marker)
                    return new DeleteResult(marker.VersionId, IsDeleteMarker: true);
                var removed = outcome.Removed.FirstOrDefault();
                return new DeleteResult(versionId ?? (removed is { VersionId: not VersionIds.Null } ? removed.VersionId : null), removed?.IsDeleteMarker ?? false);
            case IndexWriteResult.NotFound when condition.Kind == WriteConditionKind.ETagMatches:
                throw S3Errors.NoSuchKeyError(bucket, key);
            case IndexWriteResult.NotFound:
                return new DeleteResult(versionId, IsDeleteMarker: false);
            case IndexWriteResult.ConditionFailed:
                throw new S3Exception(S3Errors.PreconditionFailed, resource: $"/{bucket}/{key}") { Details = new Dictionary<string, string> { ["Condition"] = "If-Match" } };
            case IndexWriteResult.Locked:
                throw new S3Exception(S3Errors.ObjectLocked, resource: $"/{bucket}/{key}");
            default:
                throw new InvalidOperationException($"Unexpected index result {outcome.Result} deleting /{bucket}/{key}.");
        }
    }

    /// <summary>
    /// Copies an object: the source's plaintext flows through a pipe from the data store's reader (opened
    /// with <paramref name="sourceKey"/>) into its writer, sealed under the destination's own new key, so
    /// memory stays bounded whatever the size.
    /// </summary>
    /// <param name="target">The destination bucket as the request read it once (not read again here).</param>
    public async Task<ObjectRecord> CopyObjectAsync(CopySpec spec, SseCustomerKey? sourceKey, KnownBucket target, Requester? requester, CancellationToken cancellationToken)
    {
        var source = ReadableVersion(spec.Source);
        var storageClass = spec.Attributes.StorageClass is null ? source.StorageClass : ObjectRules.StorageClass(spec.Attributes.StorageClass);
        if (source.Bucket == spec.Bucket && source.Key == spec.Key && !spec.ReplaceMetadata && storageClass == source.StorageClass && !spec.SourceVersionNamed
            && spec.Attributes.Encryption is null)
            throw new S3Exception(S3Errors.InvalidRequest,
                "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");

        var headers = spec.ReplaceMetadata ? spec.Attributes.Headers : source.Headers;
        var metadata = spec.ReplaceMetadata ? spec.Attributes.UserMetadata : source.UserMetadata;
        ObjectRules.CheckUserMetadata(metadata);
        var tags = spec.ReplaceTags ? ObjectRules.Tags(spec.Attributes.Tags, ObjectRules.MaxObjectTags) : source.Tags;
        var bucket = target.Require();
        ObjectLockRules.Check(spec.Attributes.ObjectLock, bucket, time.GetUtcNow());
        // The copy gets the request's ACL (or the default), never the source's, as in S3.
        var acl = AccessControlList.ToStored(AclRules.Resolve(spec.Attributes.Acl, _options.OwnerId, bucket, _options, $"/{spec.Bucket}/{spec.Key}"), _options.OwnerId);

        var readKey = OpenObjectKey(source.Encryption, sourceKey, $"/{source.Bucket}/{source.Key}");
        var dataId = NewDataId();
        var (encryption, dataKey) = EffectiveEncryption(spec.Attributes.Encryption, bucket) is { } sse ? NewEncryption(sse, dataId) : default;
        try
        {
            var written = await data.CopyObjectDataAsync(source, readKey, dataId, storageClass, dataKey, _options.InlineMaxBytes, cancellationToken);
            var record = new ObjectRecord(spec.Bucket, spec.Key, dataId, written.Length, ETagOf(written.Md5), time.GetUtcNow(), storageClass, written.Layout)
            {
                Headers = headers,
                UserMetadata = metadata,
                Tags = tags,
                ChecksumAlgorithm = source.ChecksumAlgorithm,
                ChecksumValue = source.ChecksumValue,
                Owner = _options.OwnerId,
                Encryption = encryption?.Serialize(),
                InlineData = written.Inline.AsNullableMemory(),
                Acl = acl,
            };
            record = ObjectLockRules.ForNewVersion(record, spec.Attributes.ObjectLock, bucket, record.LastModified);
            return await CommitAsync(record, bucket, written.Shards, spec.Condition, EventNames.ObjectCreatedCopy, requester, cancellationToken);
        }
        finally
        {
            Zero(readKey);
            Zero(dataKey);
        }
    }

    /// <summary>Bytes of part <paramref name="partNumber"/> of an object (GetObject ?partNumber=), and its part count.</summary>
    public Task<(long Offset, long Length, int PartCount)> PartRangeAsync(ObjectRecord record, int partNumber, CancellationToken cancellationToken) =>
        data.PartRangeAsync(record, partNumber, cancellationToken);

    /// <summary>GetObjectAttributes' ObjectParts: see <see cref="ObjectData.ObjectPartsAsync"/>.</summary>
    public Task<(IReadOnlyList<PartRecord> Parts, int PartCount)> ObjectPartsAsync(ObjectRecord record, int afterPartNumber, int maxParts, CancellationToken cancellationToken) =>
        data.ObjectPartsAsync(record, afterPartNumber, maxParts, cancellationToken);

    /// <summary>The version as a reader may see it (an archived version reads from its restored copy).</summary>
    public ObjectRecord ReadableVersion(ObjectRecord record) => data.ReadableVersion(record);

    /// <summary>Plaintext bytes [offset, offset + length) of the version's data (see <see cref="ObjectData.ReadDataAsync"/>).</summary>
    public Task ReadDataAsync(ObjectRecord record, byte[]? objectKey, long offset, long length, Stream destination, CancellationToken cancellationToken) =>
        data.ReadDataAsync(record, objectKey, offset, length, destination, cancellationToken);

    /// <summary>The key that opens data under <paramref name="encryption"/> (see <see cref="EncryptionKeys.OpenObjectKey"/>).</summary>
    internal byte[]? OpenObjectKey(string? encryption, SseCustomerKey? customerKey, string resource) => keys.OpenObjectKey(encryption, customerKey, resource);

    // The shared helpers, by the names the method bodies above use.
    private Task<BucketRecord> RequireBucketAsync(string bucket, CancellationToken cancellationToken) => index.RequireBucketAsync(bucket, cancellationToken);

    private string NewDataId() => data.NewDataId();

    private SseRequest? EffectiveEncryption(SseRequest? requested, BucketRecord bucket) => keys.EffectiveEncryption(requested, bucket);

    private (ObjectEncryption Record, byte[] ObjectKey) NewEncryption(SseRequest request, string contextId) => keys.NewEncryption(request, contextId);

    private Task<ObjectRecord> CommitAsync(ObjectRecord record, BucketRecord bucket, DataLayout? written, WriteCondition condition, string eventName,
        Requester? requester, CancellationToken cancellationToken) =>
        commits.CommitAsync(record, bucket, written, condition, eventName, requester, cancellationToken);

    private Task PublishAsync(ObjectWriteOutcome outcome) => commits.PublishAsync(outcome);

}
