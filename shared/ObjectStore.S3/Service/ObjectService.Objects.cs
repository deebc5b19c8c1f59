using System.IO.Pipelines;
using ObjectStore.Index;
using ObjectStore.Index.Events;
using ObjectStore.S3.Errors;
using ObjectStore.Storage;

namespace ObjectStore.S3.Service;

internal sealed partial class ObjectService
{
    /// <summary>
    /// Stores a new object version: writes the data, verifies length and digests, commits the record
    /// under <paramref name="condition"/>, then deletes the data of the version it replaced.
    /// <paramref name="eventName"/>: the event it records (s3:ObjectCreated:Post for a browser form upload).
    /// </summary>
    public async Task<ObjectRecord> PutObjectAsync(string bucket, string key, ObjectAttributes attributes, ObjectBody body, WriteCondition condition, CancellationToken cancellationToken,
        string eventName = EventNames.ObjectCreatedPut)
    {
        var storageClass = ObjectRules.StorageClass(attributes.StorageClass);
        ObjectRules.CheckUserMetadata(attributes.UserMetadata);
        var tags = ObjectRules.Tags(attributes.Tags, ObjectRules.MaxObjectTags);
        if (body.Length > _options.MaxSinglePutSize)
            throw new S3Exception(S3Errors.EntityTooLarge)
            {
                Details = new Dictionary<string, string> { ["ProposedSize"] = body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ["MaxSizeAllowed"] = _options.MaxSinglePutSize.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            };
        var bucketRecord = await RequireBucketAsync(bucket, cancellationToken);

        var (dataId, stored, checksum) = await WriteVerifiedAsync(body, storageClass, cancellationToken);
        var record = new ObjectRecord(bucket, key, dataId, stored.Length, ETagOf(stored.Md5), time.GetUtcNow(), storageClass, stored.Layout.Serialize())
        {
            Headers = attributes.Headers,
            UserMetadata = attributes.UserMetadata,
            Tags = tags,
            ChecksumAlgorithm = checksum?.Algorithm,
            ChecksumValue = checksum?.Value,
            Owner = _options.OwnerId,
        };
        return await CommitAsync(record, bucketRecord, stored.Layout, condition, eventName, cancellationToken);
    }

    /// <summary>
    /// Streams a request body into new data and checks it: length, Content-MD5, flexible checksum. On a
    /// mismatch the data is deleted and the S3 error thrown; otherwise the caller commits it.
    /// </summary>
    private async Task<(string DataId, StoredData Stored, (string Algorithm, string Value)? Checksum)> WriteVerifiedAsync(
        ObjectBody body, string storageClass, CancellationToken cancellationToken)
    {
        var dataId = NewDataId();
        var stored = await data.WriteAsync(body.Stream, new DataWriteRequest(dataId, storageClass), cancellationToken);
        try
        {
            if (body.Length != ObjectBody.UnknownLength && stored.Length != body.Length)
                throw new S3Exception(S3Errors.IncompleteBody);
            if (body.ExpectedMd5 is { } md5 && !md5.AsSpan().SequenceEqual(stored.Md5))
                throw new S3Exception(S3Errors.BadDigest);
            return (dataId, stored, body.Checksum?.Invoke());
        }
        catch
        {
            await DeleteDataQuietlyAsync(stored.Layout);
            throw;
        }
    }

    /// <summary>
    /// The latest version of a key, or the version <paramref name="versionId"/> names ("null" included).
    /// NoSuchBucket / NoSuchKey / NoSuchVersion when absent; a delete marker as the latest version is
    /// NoSuchKey, and a delete marker asked for by id is MethodNotAllowed, both with the marker's headers.
    /// </summary>
    public async Task<ObjectRecord> GetObjectAsync(string bucket, string key, string? versionId, CancellationToken cancellationToken)
    {
        var record = await index.GetObjectAsync(bucket, key, versionId, cancellationToken);
        if (record is null)
        {
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

    private static S3Exception NoSuchVersion(string bucket, string key, string versionId) =>
        new(S3Errors.NoSuchVersion, resource: $"/{bucket}/{key}") { Details = new Dictionary<string, string> { ["Key"] = key, ["VersionId"] = versionId } };

    /// <summary>
    /// Streams bytes [offset, offset + length) of an object's data to <paramref name="destination"/>: the one
    /// place object data is read, for single and multipart layouts alike.
    /// </summary>
    public Task ReadDataAsync(ObjectRecord record, long offset, long length, Stream destination, CancellationToken cancellationToken) =>
        length == 0 ? Task.CompletedTask
        : MultipartLayout.IsMultipart(record.DataLayout) ? ReadMultipartDataAsync(MultipartLayout.Parse(record.DataLayout), offset, length, destination, cancellationToken)
        : data.ReadAsync(DataLayout.Parse(record.DataLayout), offset, length, destination, cancellationToken);

    /// <summary>
    /// DeleteObject: without a version id removes the key (unversioned bucket) or adds a delete marker;
    /// with one, removes that version. Deleting what is not there succeeds, as S3. Returns the version
    /// id to report and whether it is a delete marker.
    /// </summary>
    public async Task<DeleteResult> DeleteObjectAsync(string bucket, string key, string? versionId, WriteCondition condition, CancellationToken cancellationToken)
    {
        var bucketRecord = await RequireBucketAsync(bucket, cancellationToken);
        var versioning = bucketRecord.VersioningState();
        var eventName = versionId is null && versioning != BucketVersioning.Unversioned ? EventNames.ObjectRemovedDeleteMarkerCreated : EventNames.ObjectRemovedDelete;
        var outcome = await index.DeleteObjectAsync(bucket, key, versionId, condition, versioning, cancellationToken, EventsFor(bucketRecord, eventName, key));
        switch (outcome.Result)
        {
            case IndexWriteResult.Success:
                await PublishAsync(outcome);
                await DeleteRemovedDataAsync(outcome);
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
            default:
                throw new InvalidOperationException($"Unexpected index result {outcome.Result} deleting /{bucket}/{key}.");
        }
    }

    /// <summary>
    /// Copies an object: the source's bytes flow through a pipe from the data store's reader into
    /// its writer, so memory stays bounded whatever the size.
    /// </summary>
    public async Task<ObjectRecord> CopyObjectAsync(CopySpec spec, CancellationToken cancellationToken)
    {
        var source = ReadableVersion(spec.Source);
        var storageClass = spec.Attributes.StorageClass is null ? source.StorageClass : ObjectRules.StorageClass(spec.Attributes.StorageClass);
        if (source.Bucket == spec.Bucket && source.Key == spec.Key && !spec.ReplaceMetadata && storageClass == source.StorageClass && !spec.SourceVersionNamed)
            throw new S3Exception(S3Errors.InvalidRequest,
                "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");

        var headers = spec.ReplaceMetadata ? spec.Attributes.Headers : source.Headers;
        var metadata = spec.ReplaceMetadata ? spec.Attributes.UserMetadata : source.UserMetadata;
        ObjectRules.CheckUserMetadata(metadata);
        var tags = spec.ReplaceTags ? ObjectRules.Tags(spec.Attributes.Tags, ObjectRules.MaxObjectTags) : source.Tags;
        var bucket = await RequireBucketAsync(spec.Bucket, cancellationToken);

        var dataId = NewDataId();
        var stored = await CopyDataAsync(source, 0, source.Size, new DataWriteRequest(dataId, storageClass), null, cancellationToken);
        var record = new ObjectRecord(spec.Bucket, spec.Key, dataId, stored.Length, ETagOf(stored.Md5), time.GetUtcNow(), storageClass, stored.Layout.Serialize())
        {
            Headers = headers,
            UserMetadata = metadata,
            Tags = tags,
            ChecksumAlgorithm = source.ChecksumAlgorithm,
            ChecksumValue = source.ChecksumValue,
            Owner = _options.OwnerId,
        };
        return await CommitAsync(record, bucket, stored.Layout, spec.Condition, EventNames.ObjectCreatedCopy, cancellationToken);
    }

    /// <summary>
    /// Copies bytes [offset, offset + length) of <paramref name="source"/> into new data, through a bounded
    /// pipe; <paramref name="tap"/> (e.g. a checksum) sees the bytes as the writer reads them.
    /// </summary>
    private async Task<StoredData> CopyDataAsync(ObjectRecord source, long offset, long length, DataWriteRequest request,
        Func<Stream, Stream>? tap, CancellationToken cancellationToken)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 * 1024 * 1024, resumeWriterThreshold: 2 * 1024 * 1024));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var produce = Task.Run(async () =>
        {
            try
            {
                await using (var writer = pipe.Writer.AsStream(leaveOpen: true))
                    await ReadDataAsync(source, offset, length, writer, cts.Token);
                await pipe.Writer.CompleteAsync();
            }
            catch (Exception ex)
            {
                await pipe.Writer.CompleteAsync(ex);
            }
        }, CancellationToken.None);

        StoredData stored;
        try
        {
            await using var reader = pipe.Reader.AsStream(leaveOpen: true);
            stored = await data.WriteAsync(tap is null ? reader : tap(reader), request, cts.Token);
        }
        catch
        {
            await cts.CancelAsync();
            await pipe.Reader.CompleteAsync();
            await produce;
            throw;
        }
        await pipe.Reader.CompleteAsync();
        await produce;
        if (stored.Length != length)
        {
            await DeleteDataQuietlyAsync(stored.Layout);
            throw new InvalidOperationException($"Copy of /{source.Bucket}/{source.Key} read {stored.Length} of {length} bytes.");
        }
        return stored;
    }
}
