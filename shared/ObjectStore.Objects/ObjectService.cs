using System.IO.Pipelines;
using ObjectStore.Index;
using ObjectStore.Index.Events;
using ObjectStore.S3.Encryption;
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

        var dataId = NewDataId();
        var (encryption, dataKey) = EffectiveEncryption(attributes.Encryption, bucketRecord) is { } sse ? NewEncryption(sse, dataId) : default;
        try
        {
            var (written, checksum) = await WriteVerifiedAsync(body, dataId, storageClass, dataKey, cancellationToken);
            var record = new ObjectRecord(bucket, key, dataId, written.Length, ETagOf(written.Md5), time.GetUtcNow(), storageClass, written.Stored.Layout.Serialize())
            {
                Headers = attributes.Headers,
                UserMetadata = attributes.UserMetadata,
                Tags = tags,
                ChecksumAlgorithm = checksum?.Algorithm,
                ChecksumValue = checksum?.Value,
                Owner = _options.OwnerId,
                Encryption = encryption?.Serialize(),
            };
            return await CommitAsync(record, bucketRecord, written.Stored.Layout, condition, eventName, cancellationToken);
        }
        finally
        {
            Zero(dataKey);
        }
    }

    /// <summary>
    /// Streams a request body into new data (sealed under <paramref name="dataKey"/> when given) and checks
    /// it: length, Content-MD5, flexible checksum, all over the plaintext. On a mismatch the data is
    /// deleted and the S3 error thrown; otherwise the caller commits it.
    /// </summary>
    private async Task<(WrittenData Written, (string Algorithm, string Value)? Checksum)> WriteVerifiedAsync(
        ObjectBody body, string dataId, string storageClass, byte[]? dataKey, CancellationToken cancellationToken)
    {
        var written = await WriteDataAsync(body.Stream, new DataWriteRequest(dataId, storageClass), dataKey, cancellationToken);
        try
        {
            if (body.Length != ObjectBody.UnknownLength && written.Length != body.Length)
                throw new S3Exception(S3Errors.IncompleteBody);
            if (body.ExpectedMd5 is { } md5 && !md5.AsSpan().SequenceEqual(written.Md5))
                throw new S3Exception(S3Errors.BadDigest);
            return (written, body.Checksum?.Invoke());
        }
        catch
        {
            await DeleteDataQuietlyAsync(written.Stored.Layout);
            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="source"/> to the data store, through an encrypting stream when
    /// <paramref name="dataKey"/> is given; the length and MD5 returned are of the plaintext either way.
    /// </summary>
    private async Task<WrittenData> WriteDataAsync(Stream source, DataWriteRequest request, byte[]? dataKey, CancellationToken cancellationToken)
    {
        if (dataKey is null)
        {
            var plain = await data.WriteAsync(source, request, cancellationToken);
            return new WrittenData(plain, plain.Length, plain.Md5);
        }
        using var sealing = new EncryptingStream(source, dataKey);
        // The sealing stream hashes the plaintext for the ETag; an MD5 of the ciphertext would be unused.
        var stored = await data.WriteAsync(sealing, request with { ComputeMd5 = false }, cancellationToken);
        if (stored.Length != BlockFormat.CiphertextLength(sealing.PlaintextLength))
        {
            await DeleteDataQuietlyAsync(stored.Layout);
            throw new InvalidOperationException($"Encrypted write of {request.DataId} stored {stored.Length} bytes for {sealing.PlaintextLength} plaintext bytes.");
        }
        return new WrittenData(stored, sealing.PlaintextLength, sealing.PlaintextMd5);
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
    /// Streams plaintext bytes [offset, offset + length) of an object's data to <paramref name="destination"/>:
    /// the one place object data is read, for single and multipart layouts alike. <paramref name="objectKey"/>
    /// (from <see cref="OpenObjectKey"/>) opens encrypted data: only the sealed blocks the range touches are read.
    /// </summary>
    public Task ReadDataAsync(ObjectRecord record, byte[]? objectKey, long offset, long length, Stream destination, CancellationToken cancellationToken) =>
        length == 0 ? Task.CompletedTask
        : MultipartLayout.IsMultipart(record.DataLayout) ? ReadMultipartDataAsync(MultipartLayout.Parse(record.DataLayout), objectKey, offset, length, destination, cancellationToken)
        : ReadPieceAsync(DataLayout.Parse(record.DataLayout), record.Size, objectKey, offset, length, destination, cancellationToken);

    /// <summary>Plaintext bytes [offset, offset + length) of one piece of data of <paramref name="plainLength"/> bytes (sealed under <paramref name="dataKey"/> when given).</summary>
    private async Task ReadPieceAsync(DataLayout layout, long plainLength, byte[]? dataKey, long offset, long length, Stream destination, CancellationToken cancellationToken)
    {
        if (dataKey is null)
        {
            await data.ReadAsync(layout, offset, length, destination, cancellationToken);
            return;
        }
        var range = BlockFormat.Map(plainLength, offset, length);
        await using var opening = new DecryptingStream(destination, dataKey, plainLength, range, length);
        await data.ReadAsync(layout, range.Offset, range.Length, opening, cancellationToken);
        opening.EnsureComplete();
    }

    /// <summary>
    /// The stored bytes of a version exactly as they are (ciphertext when encrypted), for moves that need
    /// no key: lifecycle transitions and restored copies. Null for an encrypted multipart object, whose
    /// parts are sealed under keys of their own and cannot become one piece of data verbatim.
    /// </summary>
    private (Func<Stream, CancellationToken, Task> Read, long Length)? StoredBytesOf(ObjectRecord record)
    {
        if (record.Encryption is null)
            return ((s, ct) => ReadDataAsync(record, null, 0, record.Size, s, ct), record.Size);
        if (MultipartLayout.IsMultipart(record.DataLayout))
            return null;
        var layout = DataLayout.Parse(record.DataLayout);
        return ((s, ct) => layout.Length == 0 ? Task.CompletedTask : data.ReadAsync(layout, 0, layout.Length, s, ct), layout.Length);
    }

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
    /// Copies an object: the source's plaintext flows through a pipe from the data store's reader (opened
    /// with <paramref name="sourceKey"/>) into its writer, sealed under the destination's own new key, so
    /// memory stays bounded whatever the size.
    /// </summary>
    public async Task<ObjectRecord> CopyObjectAsync(CopySpec spec, SseCustomerKey? sourceKey, CancellationToken cancellationToken)
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
        var bucket = await RequireBucketAsync(spec.Bucket, cancellationToken);

        var readKey = OpenObjectKey(source.Encryption, sourceKey, $"/{source.Bucket}/{source.Key}");
        var dataId = NewDataId();
        var (encryption, dataKey) = EffectiveEncryption(spec.Attributes.Encryption, bucket) is { } sse ? NewEncryption(sse, dataId) : default;
        try
        {
            var written = await CopyDataAsync((s, ct) => ReadDataAsync(source, readKey, 0, source.Size, s, ct), source.Size,
                new DataWriteRequest(dataId, storageClass), dataKey, null, cancellationToken);
            var record = new ObjectRecord(spec.Bucket, spec.Key, dataId, written.Length, ETagOf(written.Md5), time.GetUtcNow(), storageClass, written.Stored.Layout.Serialize())
            {
                Headers = headers,
                UserMetadata = metadata,
                Tags = tags,
                ChecksumAlgorithm = source.ChecksumAlgorithm,
                ChecksumValue = source.ChecksumValue,
                Owner = _options.OwnerId,
                Encryption = encryption?.Serialize(),
            };
            return await CommitAsync(record, bucket, written.Stored.Layout, spec.Condition, EventNames.ObjectCreatedCopy, cancellationToken);
        }
        finally
        {
            Zero(readKey);
            Zero(dataKey);
        }
    }

    /// <summary>
    /// Copies <paramref name="length"/> bytes that <paramref name="read"/> produces into new data (sealed under
    /// <paramref name="dataKey"/> when given), through a bounded pipe; <paramref name="tap"/> (e.g. a checksum)
    /// sees the bytes as the writer reads them.
    /// </summary>
    private async Task<WrittenData> CopyDataAsync(Func<Stream, CancellationToken, Task> read, long length, DataWriteRequest request,
        byte[]? dataKey, Func<Stream, Stream>? tap, CancellationToken cancellationToken)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 * 1024 * 1024, resumeWriterThreshold: 2 * 1024 * 1024));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var produce = Task.Run(async () =>
        {
            try
            {
                await using (var writer = pipe.Writer.AsStream(leaveOpen: true))
                    await read(writer, cts.Token);
                await pipe.Writer.CompleteAsync();
            }
            catch (Exception ex)
            {
                await pipe.Writer.CompleteAsync(ex);
            }
        }, CancellationToken.None);

        WrittenData written;
        try
        {
            await using var reader = pipe.Reader.AsStream(leaveOpen: true);
            written = await WriteDataAsync(tap is null ? reader : tap(reader), request, dataKey, cts.Token);
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
        if (written.Length != length)
        {
            await DeleteDataQuietlyAsync(written.Stored.Layout);
            throw new InvalidOperationException($"Copy into {request.DataId} read {written.Length} of {length} bytes.");
        }
        return written;
    }
}

/// <param name="Stored">What the data store wrote (its length and MD5 are of ciphertext when sealed).</param>
/// <param name="Length">Plaintext bytes.</param>
/// <param name="Md5">MD5 of the plaintext.</param>
internal sealed record WrittenData(StoredData Stored, long Length, byte[] Md5);
