using System.Globalization;
using Microsoft.Extensions.Options;
using ObjectStore.Index;
using ObjectStore.Index.Events;
using ObjectStore.Objects.Encryption;
using ObjectStore.Objects.Errors;
using ObjectStore.Objects.Integrity;
using ObjectStore.Storage;
using static ObjectStore.Objects.EncryptionKeys;
using static ObjectStore.Objects.ObjectData;

namespace ObjectStore.Objects;

/// <summary>One entry of a CompleteMultipartUpload part list.</summary>
internal sealed record CompletedPart(int PartNumber, string ETag, string? ChecksumAlgorithm, string? ChecksumValue);

/// <summary>One page of ListParts.</summary>
internal sealed record PartsPage(UploadRecord Upload, IReadOnlyList<PartRecord> Parts, bool IsTruncated);

/// <summary>
/// Multipart uploads. Parts are stored as they stream in, each as its own erasure-coded data with a part
/// row; completion seals the upload row (If-Match), checks the list against the part rows and commits an
/// object whose layout names the upload: no data is copied. See docs/index-schema.md for the races.
/// </summary>
internal sealed partial class MultipartService(
    IObjectIndex index,
    ObjectData data,
    ObjectCommitter commits,
    EncryptionKeys keys,
    IOptions<S3Options> options,
    TimeProvider time)
{
    private readonly S3Options _options = options.Value;

    public const int MaxPartNumber = 10_000;
    /// <summary>A completion that sealed its upload this long ago and left no object is presumed dead.</summary>
    internal static readonly TimeSpan StaleCompletion = TimeSpan.FromMinutes(15);
    private const int MaxUploadRaceRetries = 50;

    public async Task<UploadRecord> CreateMultipartUploadAsync(KnownBucket known, string key, ObjectAttributes attributes,
        ChecksumAlgorithm? checksumAlgorithm, string? checksumType, CancellationToken cancellationToken)
    {
        var bucket = known.Name;
        var storageClass = ObjectRules.StorageClass(attributes.StorageClass);
        ObjectRules.CheckUserMetadata(attributes.UserMetadata);
        var tags = ObjectRules.Tags(attributes.Tags, ObjectRules.MaxObjectTags);
        var type = MultipartChecksumType(checksumAlgorithm, checksumType);
        var bucketRecord = known.Require();
        var sse = EffectiveEncryption(attributes.Encryption, bucketRecord);
        var acl = AccessControlList.ToStored(AclRules.Resolve(attributes.Acl, _options.OwnerId, bucketRecord, _options, $"/{bucket}/{key}"), _options.OwnerId);
        var now = time.GetUtcNow();
        ObjectLockRules.Check(attributes.ObjectLock, bucketRecord, now);
        for (var attempt = 0; ; attempt++)
        {
            var uploadId = UploadIds.New(now, key);
            ObjectEncryption? encryption = null;
            if (sse is not null)
            {
                // The upload id is the context: every part's key derives from this record's key.
                var (record, objectKey) = NewEncryption(sse, uploadId);
                Zero(objectKey);
                encryption = record;
            }
            var upload = new UploadRecord(bucket, key, uploadId, now, storageClass)
            {
                Encryption = encryption?.Serialize(),
                StateChanged = now,
                Headers = attributes.Headers,
                UserMetadata = attributes.UserMetadata,
                Tags = tags,
                ChecksumAlgorithm = checksumAlgorithm?.Name(),
                ChecksumType = type,
                Owner = _options.OwnerId,
                ObjectLock = attributes.ObjectLock is { IsEmpty: false } objectLock ? objectLock.Serialize() : null,
                Acl = acl,
            };
            var result = await index.CreateUploadAsync(upload, cancellationToken);
            if (result == IndexWriteResult.Success)
                return upload;
            if (attempt == 5)
                throw new InvalidOperationException($"Could not allocate an upload id for /{bucket}/{key}: {result}.");
        }
    }

    /// <summary>COMPOSITE (the default) or FULL_OBJECT (CRCs only; the only type of CRC64NVME), as S3 allows.</summary>
    private static string? MultipartChecksumType(ChecksumAlgorithm? algorithm, string? requested)
    {
        if (algorithm is not { } a)
            return requested is null ? null : throw new S3Exception(S3Errors.InvalidRequest, "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.");
        var type = requested?.ToUpperInvariant() ?? (a == ChecksumAlgorithm.Crc64Nvme ? "FULL_OBJECT" : "COMPOSITE");
        if (type is not ("COMPOSITE" or "FULL_OBJECT")
            || (type == "FULL_OBJECT" && !CrcCombine.Supports(a))
            || (type == "COMPOSITE" && a == ChecksumAlgorithm.Crc64Nvme))
            throw new S3Exception(S3Errors.InvalidRequest, $"The {type} checksum type cannot be used with the {a.Name().ToLowerInvariant()} checksum algorithm.");
        return type;
    }

    /// <summary>The upload, if it still takes parts; NoSuchUpload (or NoSuchBucket) otherwise.</summary>
    public async Task<UploadRecord> GetOpenUploadAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken)
    {
        var upload = await index.GetUploadAsync(bucket, key, uploadId, cancellationToken);
        if (upload is null)
            await RequireBucketAsync(bucket, cancellationToken);
        if (upload is not { State: UploadState.Open })
            throw S3Errors.NoSuchUploadError(bucket, key, uploadId);
        return upload;
    }

    /// <summary>Stores one part as it streams in and commits its row (replacing a part of the same number).</summary>
    /// <param name="customerKey">The SSE-C key the part request carried: it must be the upload's.</param>
    public async Task<PartRecord> UploadPartAsync(UploadRecord upload, int partNumber, ObjectBody body, SseCustomerKey? customerKey, CancellationToken cancellationToken)
    {
        var dataId = NewDataId();
        var (objectKey, partKey) = PartKeysFor(upload, customerKey, dataId);
        try
        {
            var (written, checksum) = await WriteVerifiedAsync(body, dataId, upload.StorageClass, partKey, cancellationToken);
            var part = new PartRecord(upload.Bucket, upload.Key, upload.UploadId, partNumber, written.Length, ETagOf(written.Md5), time.GetUtcNow(), written.Stored.Layout.Serialize())
            {
                ChecksumAlgorithm = checksum?.Algorithm,
                ChecksumValue = checksum?.Value,
            };
            return await CommitPartAsync(part, written.Stored.Layout, cancellationToken);
        }
        finally
        {
            Zero(objectKey);
            Zero(partKey);
        }
    }

    /// <summary>
    /// The upload's key and the key of a new part with data id <paramref name="dataId"/>. An SSE-C upload
    /// takes parts only with its own key (InvalidRequest otherwise, as S3 answers).
    /// </summary>
    private (byte[]? ObjectKey, byte[]? PartKey) PartKeysFor(UploadRecord upload, SseCustomerKey? customerKey, string dataId)
    {
        var resource = $"/{upload.Bucket}/{upload.Key}";
        var encryption = ObjectEncryption.Parse(upload.Encryption);
        if (encryption is { Kind: SseKind.Customer } && customerKey is null)
            throw new S3Exception(S3Errors.InvalidRequest, "The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.", resource);
        if (encryption is { Kind: SseKind.Customer } && customerKey!.KeyMd5 != encryption.Secret)
            throw new S3Exception(S3Errors.InvalidRequest, "The provided encryption parameters did not match the ones used originally.", resource);
        var objectKey = OpenObjectKey(upload.Encryption, customerKey, resource);
        return (objectKey, objectKey is null ? null : DataKeys.PartKey(objectKey, dataId));
    }

    /// <summary>UploadPartCopy: bytes [offset, offset + length) of an object become a part (through a bounded pipe).</summary>
    public async Task<PartRecord> UploadPartCopyAsync(UploadRecord upload, int partNumber, ObjectRecord source, long offset, long length,
        SseCustomerKey? sourceKey, SseCustomerKey? customerKey, CancellationToken cancellationToken)
    {
        if (length > _options.MaxSinglePutSize)
            throw new S3Exception(S3Errors.EntityTooLarge);
        ChecksumTapStream? checksum = null;
        Func<Stream, Stream>? tap = null;
        if (ChecksumAlgorithms.TryParse(upload.ChecksumAlgorithm, out var algorithm))
            tap = s => checksum = new ChecksumTapStream(s, algorithm);
        var readable = ReadableVersion(source);
        var dataId = NewDataId();
        var (objectKey, partKey) = PartKeysFor(upload, customerKey, dataId);
        var readKey = OpenObjectKey(readable.Encryption, sourceKey, $"/{source.Bucket}/{source.Key}");
        try
        {
            var written = await CopyDataAsync((s, ct) => ReadDataAsync(readable, readKey, offset, length, s, ct), length,
                new DataWriteRequest(dataId, upload.StorageClass), partKey, tap, cancellationToken);
            var part = new PartRecord(upload.Bucket, upload.Key, upload.UploadId, partNumber, written.Length, ETagOf(written.Md5), time.GetUtcNow(), written.Stored.Layout.Serialize())
            {
                ChecksumAlgorithm = checksum?.Algorithm?.Name(),
                ChecksumValue = checksum?.ChecksumBase64,
            };
            return await CommitPartAsync(part, written.Stored.Layout, cancellationToken);
        }
        finally
        {
            Zero(objectKey);
            Zero(partKey);
            Zero(readKey);
        }
    }

    /// <summary>
    /// Commits a part row with a touch of its upload row (one transaction): it fails once the upload is
    /// sealed or aborting, so a completed object never names data replaced or deleted after it. The
    /// replaced part's data goes only after the new row is committed.
    /// </summary>
    private async Task<PartRecord> CommitPartAsync(PartRecord part, DataLayout written, CancellationToken cancellationToken)
    {
        PartWriteOutcome outcome;
        try
        {
            outcome = await index.CommitPartAsync(part, cancellationToken);
        }
        catch (IndexBusyException busy) when (busy.OutcomeUnknown)
        {
            // The row may have been committed (Table 500 OperationTimedOut): its data must stay. If it was not,
            // the data is unreferenced and the repair scan collects it (docs/connections.md, "Throttling").
            throw;
        }
        catch
        {
            await DeleteDataQuietlyAsync(written);
            throw;
        }
        if (outcome.Result != IndexWriteResult.Success)
        {
            await DeleteDataQuietlyAsync(written);
            throw S3Errors.NoSuchUploadError(part.Bucket, part.Key, part.UploadId);
        }
        if (outcome.Replaced is { } replaced && replaced.DataLayout != part.DataLayout)
            await DeleteDataQuietlyAsync(replaced.DataLayout);
        return part;
    }

    /// <summary>Aborts an upload: mark it aborting (no part commits after that), delete every part's data and row, then the upload row.</summary>
    public async Task AbortMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxUploadRaceRetries; attempt++)
        {
            var upload = await index.GetUploadAsync(bucket, key, uploadId, cancellationToken);
            if (upload is null)
            {
                await RequireBucketAsync(bucket, cancellationToken);
                throw S3Errors.NoSuchUploadError(bucket, key, uploadId);
            }
            if (upload.State == UploadState.Completing)
            {
                if (await FinishCommittedCompletionAsync(upload, cancellationToken) is not null)
                    throw S3Errors.NoSuchUploadError(bucket, key, uploadId);
                if (time.GetUtcNow() - upload.StateChanged < StaleCompletion)
                    throw new S3Exception(S3Errors.OperationAborted, resource: $"/{bucket}/{key}");
            }
            if (upload.State != UploadState.Aborting)
            {
                var (result, _) = await index.UpdateUploadAsync(upload with { State = UploadState.Aborting, StateChanged = time.GetUtcNow() }, cancellationToken);
                if (result != IndexWriteResult.Success)
                    continue;
            }
            // Not the request's token from here: a half-done abort is what a retry would have to finish.
            await DeleteUploadPartsQuietlyAsync(bucket, uploadId);
            await index.DeleteUploadAsync(upload with { ConcurrencyToken = null }, CancellationToken.None);
            return;
        }
        throw new S3Exception(S3Errors.ServiceUnavailable, "The upload is being changed concurrently; please retry.");
    }

    /// <summary>
    /// For DeleteBucket: when the bucket holds no object version (delete markers count), aborts every
    /// unfinished upload (their part data deleted as by AbortMultipartUpload) and returns true; false when
    /// objects remain. An upload started meanwhile keeps the bucket, which then answers BucketNotEmpty.
    /// </summary>
    public async Task<bool> AbortUploadsOfObjectlessBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        var versions = await index.ListVersionsAsync(new VersionListRequest(bucket, "", null, null, null, 1), cancellationToken);
        if (versions.Entries.Count > 0 || versions.CommonPrefixes.Count > 0)
            return false;
        var aborted = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var page = await index.ListUploadsAsync(new UploadListRequest(bucket, "", null, null, null, 1000), cancellationToken);
            var fresh = page.Uploads.Where(u => aborted.Add(u.UploadId)).ToList();
            if (fresh.Count == 0)
                return true;
            foreach (var upload in fresh)
            {
                try
                {
                    await AbortMultipartUploadAsync(bucket, upload.Key, upload.UploadId, cancellationToken);
                }
                catch (S3Exception e) when (e.Code == S3Errors.NoSuchUpload)
                {
                    // completed or aborted meanwhile
                }
            }
        }
    }

    public async Task<PartsPage> ListPartsAsync(string bucket, string key, string uploadId, int partNumberMarker, int maxParts, CancellationToken cancellationToken)
    {
        var upload = await index.GetUploadAsync(bucket, key, uploadId, cancellationToken);
        if (upload is null)
            await RequireBucketAsync(bucket, cancellationToken);
        if (upload is null || upload.State == UploadState.Aborting)
            throw S3Errors.NoSuchUploadError(bucket, key, uploadId);
        var parts = new List<PartRecord>();
        if (maxParts > 0)
        {
            await foreach (var part in index.ListPartsAsync(bucket, uploadId, partNumberMarker, cancellationToken))
            {
                parts.Add(part);
                if (parts.Count > maxParts)
                    break;
            }
        }
        var truncated = parts.Count > maxParts;
        return new PartsPage(upload, truncated ? parts[..maxParts] : parts, truncated);
    }

    /// <summary>One page of ListMultipartUploads; NoSuchBucket when the bucket (as the request read it) does not exist.</summary>
    public async Task<UploadListing> ListMultipartUploadsAsync(KnownBucket bucket, UploadListRequest request, CancellationToken cancellationToken)
    {
        bucket.Require();
        return await index.ListUploadsAsync(request, cancellationToken);
    }

    // The shared helpers, by the names the method bodies use.
    private Task<BucketRecord> RequireBucketAsync(string bucket, CancellationToken cancellationToken) => index.RequireBucketAsync(bucket, cancellationToken);

    private string NewDataId() => data.NewDataId();

    private ObjectRecord ReadableVersion(ObjectRecord record) => data.ReadableVersion(record);

    private Task ReadDataAsync(ObjectRecord record, byte[]? objectKey, long offset, long length, Stream destination, CancellationToken cancellationToken) =>
        data.ReadDataAsync(record, objectKey, offset, length, destination, cancellationToken);

    private Task<(WrittenData Written, (string Algorithm, string Value)? Checksum)> WriteVerifiedAsync(
        ObjectBody body, string dataId, string storageClass, byte[]? dataKey, CancellationToken cancellationToken) =>
        data.WriteVerifiedAsync(body, dataId, storageClass, dataKey, cancellationToken);

    private Task<WrittenData> CopyDataAsync(Func<Stream, CancellationToken, Task> read, long length, DataWriteRequest request,
        byte[]? dataKey, Func<Stream, Stream>? tap, CancellationToken cancellationToken) =>
        data.CopyDataAsync(read, length, request, dataKey, tap, cancellationToken);

    private SseRequest? EffectiveEncryption(SseRequest? requested, BucketRecord bucket) => keys.EffectiveEncryption(requested, bucket);

    private (ObjectEncryption Record, byte[] ObjectKey) NewEncryption(SseRequest request, string contextId) => keys.NewEncryption(request, contextId);

    private byte[]? OpenObjectKey(string? encryption, SseCustomerKey? customerKey, string resource) => keys.OpenObjectKey(encryption, customerKey, resource);

    private Task<ObjectRecord> CommitAsync(ObjectRecord record, BucketRecord bucket, DataLayout? written, WriteCondition condition, string eventName,
        Requester? requester, CancellationToken cancellationToken) =>
        commits.CommitAsync(record, bucket, written, condition, eventName, requester, cancellationToken);

    private Task DeleteDataQuietlyAsync(DataLayout? layout) => commits.DeleteDataQuietlyAsync(layout);

    private Task DeleteDataQuietlyAsync(string serializedLayout) => commits.DeleteDataQuietlyAsync(serializedLayout);

    private Task DeletePartsQuietlyAsync(IReadOnlyList<PartRecord> parts) => commits.DeletePartsQuietlyAsync(parts);

    private Task DeleteUploadPartsQuietlyAsync(string bucket, string uploadId) => commits.DeleteUploadPartsQuietlyAsync(bucket, uploadId);
}
