using System.Globalization;
using System.Security.Cryptography;
using ObjectStore.Index;
using ObjectStore.Index.Events;
using ObjectStore.S3.Encryption;
using ObjectStore.S3.Errors;
using ObjectStore.S3.Integrity;
using ObjectStore.S3.Protocol;
using ObjectStore.Storage;

namespace ObjectStore.S3.Service;

/// <summary>One entry of a CompleteMultipartUpload part list.</summary>
internal sealed record CompletedPart(int PartNumber, string ETag, string? ChecksumAlgorithm, string? ChecksumValue);

/// <summary>One page of ListParts.</summary>
internal sealed record PartsPage(UploadRecord Upload, IReadOnlyList<PartRecord> Parts, bool IsTruncated);

/// <summary>
/// Multipart uploads. Parts are stored as they stream in, each as its own erasure-coded data with a part
/// row; completion seals the upload row (If-Match), checks the list against the part rows and commits an
/// object whose layout names the upload: no data is copied. See docs/index-schema.md for the races.
/// </summary>
internal sealed partial class ObjectService
{
    public const int MaxPartNumber = 10_000;
    /// <summary>A completion that sealed its upload this long ago and left no object is presumed dead.</summary>
    internal static readonly TimeSpan StaleCompletion = TimeSpan.FromMinutes(15);
    private const int MaxUploadRaceRetries = 50;

    public async Task<UploadRecord> CreateMultipartUploadAsync(string bucket, string key, ObjectAttributes attributes,
        ChecksumAlgorithm? checksumAlgorithm, string? checksumType, CancellationToken cancellationToken)
    {
        var storageClass = ObjectRules.StorageClass(attributes.StorageClass);
        ObjectRules.CheckUserMetadata(attributes.UserMetadata);
        var tags = ObjectRules.Tags(attributes.Tags, ObjectRules.MaxObjectTags);
        var type = MultipartChecksumType(checksumAlgorithm, checksumType);
        var bucketRecord = await RequireBucketAsync(bucket, cancellationToken);
        var sse = EffectiveEncryption(attributes.Encryption, bucketRecord);
        var now = time.GetUtcNow();
        for (var attempt = 0; ; attempt++)
        {
            var uploadId = UploadIds.New(now);
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
        ChecksummingStream? checksum = null;
        Func<Stream, Stream>? tap = null;
        if (ChecksumAlgorithms.TryParse(upload.ChecksumAlgorithm, out var algorithm))
            tap = s => checksum = new ChecksummingStream(s, ChecksumRequest.ComputeOnly(algorithm), null, new Dictionary<string, string>());
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

    /// <summary>
    /// Completes an upload: seal the upload row, check the list against the part rows, commit the object
    /// under <paramref name="condition"/>, drop the upload row and the parts the list left out. Completing
    /// again with the same list answers the same object, as S3 does.
    /// </summary>
    /// <param name="expectedChecksum">A full-object checksum the client sent with the completion, to verify.</param>
    public async Task<ObjectRecord> CompleteMultipartUploadAsync(string bucket, string key, string uploadId, IReadOnlyList<CompletedPart> list,
        WriteCondition condition, (ChecksumAlgorithm Algorithm, string Value)? expectedChecksum, CancellationToken cancellationToken)
    {
        var etag = MultipartETag(list);
        for (var attempt = 0; attempt < MaxUploadRaceRetries; attempt++)
        {
            var upload = await index.GetUploadAsync(bucket, key, uploadId, cancellationToken);
            if (upload is null)
            {
                await RequireBucketAsync(bucket, cancellationToken);
                var earlier = await CommittedObjectOfAsync(bucket, key, uploadId, cancellationToken);
                return earlier is not null && earlier.ETag == etag ? earlier : throw S3Errors.NoSuchUploadError(bucket, key, uploadId);
            }

            UploadRecord seal;
            switch (upload.State)
            {
                case UploadState.Aborting:
                    throw S3Errors.NoSuchUploadError(bucket, key, uploadId);
                case UploadState.Completing:
                    if (await FinishCommittedCompletionAsync(upload, cancellationToken) is { } done)
                        return done.ETag == etag ? done : throw S3Errors.NoSuchUploadError(bucket, key, uploadId);
                    // The same list again (a client retry) or a completion presumed dead may take over.
                    if (upload.CompletingETag != etag && time.GetUtcNow() - upload.StateChanged < StaleCompletion)
                        throw new S3Exception(S3Errors.OperationAborted, resource: $"/{bucket}/{key}");
                    seal = upload with { CompletingETag = etag, StateChanged = time.GetUtcNow() };
                    break;
                default:
                    seal = upload with { State = UploadState.Completing, CompletingETag = etag, StateChanged = time.GetUtcNow() };
                    break;
            }
            var (result, sealedUpload) = await index.UpdateUploadAsync(seal, cancellationToken);
            if (result == IndexWriteResult.Success)
                return await CompleteSealedAsync(sealedUpload!, list, etag, condition, expectedChecksum, cancellationToken);
            // A part commit touched the row (or another request changed its state): read it again.
        }
        throw new S3Exception(S3Errors.ServiceUnavailable, "The upload is being changed concurrently; please retry.");
    }

    private async Task<ObjectRecord> CompleteSealedAsync(UploadRecord upload, IReadOnlyList<CompletedPart> list, string etag,
        WriteCondition condition, (ChecksumAlgorithm Algorithm, string Value)? expectedChecksum, CancellationToken cancellationToken)
    {
        var stored = new Dictionary<int, PartRecord>();
        await foreach (var part in index.ListPartsAsync(upload.Bucket, upload.UploadId, 0, cancellationToken))
            stored[part.PartNumber] = part;

        ObjectRecord record;
        try
        {
            var chosen = ChooseParts(list, stored);
            var checksum = CompletedChecksum(upload, chosen, expectedChecksum);
            var layout = MultipartLayout.Of(upload.Bucket, upload.UploadId, chosen.Select(p => (p.PartNumber, p.Size)).ToList());
            record = new ObjectRecord(upload.Bucket, upload.Key, NewDataId(), layout.Size, etag, time.GetUtcNow(), upload.StorageClass, layout.Serialize())
            {
                Headers = upload.Headers,
                UserMetadata = upload.UserMetadata,
                Tags = upload.Tags,
                ChecksumAlgorithm = checksum?.Algorithm,
                ChecksumValue = checksum?.Value,
                Owner = upload.Owner,
                Encryption = upload.Encryption,
            };
            var bucket = await RequireBucketAsync(upload.Bucket, cancellationToken);
            record = await CommitAsync(record, bucket, written: null, condition, EventNames.ObjectCreatedCompleteMultipartUpload, cancellationToken);
        }
        catch (S3Exception)
        {
            // Refused before anything was committed: the upload takes parts and completions again.
            await index.UpdateUploadAsync(upload with { State = UploadState.Open, CompletingETag = null, StateChanged = time.GetUtcNow() }, CancellationToken.None);
            throw;
        }
        // Any other failure leaves the upload sealed: a retry finds the object (or takes the completion over).

        await index.DeleteUploadAsync(upload, CancellationToken.None);
        var used = MultipartLayout.Parse(record.DataLayout);
        var chosenNumbers = used.PartNumbers is { } numbers ? numbers.ToHashSet() : Enumerable.Range(1, used.PartCount).ToHashSet();
        await DeletePartsQuietlyAsync(stored.Values.Where(p => !chosenNumbers.Contains(p.PartNumber)).ToList());
        return record;
    }

    /// <summary>The parts the list names, in order, checked: each exists with that ETag (and checksum), and all but the last are big enough.</summary>
    private List<PartRecord> ChooseParts(IReadOnlyList<CompletedPart> list, IReadOnlyDictionary<int, PartRecord> stored)
    {
        var chosen = new List<PartRecord>(list.Count);
        foreach (var item in list)
        {
            if (!stored.TryGetValue(item.PartNumber, out var part) || ETags.Unquote(part.ETag) != ETags.Unquote(item.ETag)
                || (item.ChecksumValue is not null && part.ChecksumValue is not null
                    && (!string.Equals(item.ChecksumAlgorithm, part.ChecksumAlgorithm, StringComparison.OrdinalIgnoreCase) || item.ChecksumValue != part.ChecksumValue)))
                throw InvalidPart(item);
            chosen.Add(part);
        }
        for (var i = 0; i < chosen.Count - 1; i++)
        {
            if (chosen[i].Size < _options.MinPartSize)
                throw new S3Exception(S3Errors.EntityTooSmall)
                {
                    Details = new Dictionary<string, string>
                    {
                        ["ProposedSize"] = chosen[i].Size.ToString(CultureInfo.InvariantCulture),
                        ["MinSizeAllowed"] = _options.MinPartSize.ToString(CultureInfo.InvariantCulture),
                        ["PartNumber"] = chosen[i].PartNumber.ToString(CultureInfo.InvariantCulture),
                        ["ETag"] = ETags.Unquote(chosen[i].ETag),
                    },
                };
        }
        return chosen;
    }

    private static S3Exception InvalidPart(CompletedPart item) =>
        new(S3Errors.InvalidPart)
        {
            Details = new Dictionary<string, string>
            {
                ["PartNumber"] = item.PartNumber.ToString(CultureInfo.InvariantCulture),
                ["ETag"] = ETags.Unquote(item.ETag),
            },
        };

    /// <summary>
    /// S3's multipart ETag: the MD5 of the parts' binary MD5s, then "-" and the part count. Also checks the
    /// list itself: strictly ascending part numbers (InvalidPartOrder), ETags that are MD5s (InvalidPart).
    /// </summary>
    internal static string MultipartETag(IReadOnlyList<CompletedPart> list)
    {
        if (list.Count == 0)
            throw new S3Exception(S3Errors.MalformedXML, "The XML you provided was not well-formed or did not validate against our published schema: at least one part is required.");
        var md5s = new byte[16 * list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            var item = list[i];
            if (item.PartNumber is < 1 or > MaxPartNumber)
                throw InvalidPart(item);
            if (i > 0 && item.PartNumber <= list[i - 1].PartNumber)
                throw new S3Exception(S3Errors.InvalidPartOrder);
            var hex = ETags.Unquote(item.ETag);
            if (hex.Length != 32 || Convert.FromHexString(hex, md5s.AsSpan(16 * i, 16), out _, out _) != System.Buffers.OperationStatus.Done)
                throw InvalidPart(item);
        }
        return "\"" + Convert.ToHexStringLower(MD5.HashData(md5s)) + "-" + list.Count.ToString(CultureInfo.InvariantCulture) + "\"";
    }

    /// <summary>
    /// The object's checksum from its parts' checksums, when the upload chose an algorithm and every part has
    /// one: COMPOSITE = the algorithm over the parts' raw checksums, "-N"; FULL_OBJECT = the CRC of the whole
    /// object, combined from the parts' CRCs and sizes. A client-sent full-object value must match.
    /// </summary>
    private static (string Algorithm, string Value)? CompletedChecksum(UploadRecord upload, IReadOnlyList<PartRecord> parts,
        (ChecksumAlgorithm Algorithm, string Value)? expected)
    {
        if (!ChecksumAlgorithms.TryParse(upload.ChecksumAlgorithm, out var algorithm)
            || parts.Any(p => p.ChecksumValue is null || !string.Equals(p.ChecksumAlgorithm, upload.ChecksumAlgorithm, StringComparison.OrdinalIgnoreCase)))
            return null;
        string value;
        if (upload.ChecksumType == "FULL_OBJECT")
        {
            ulong crc = 0;
            for (var i = 0; i < parts.Count; i++)
            {
                var partCrc = ReadCrc(Convert.FromBase64String(parts[i].ChecksumValue!));
                crc = i == 0 ? partCrc : CrcCombine.Combine(algorithm, crc, partCrc, parts[i].Size);
            }
            var bytes = new byte[algorithm.DigestLength()];
            for (var b = 0; b < bytes.Length; b++)
                bytes[b] = (byte)(crc >> (8 * (bytes.Length - 1 - b)));
            value = Convert.ToBase64String(bytes);
            if (expected is { } e && e.Algorithm == algorithm && e.Value.Trim() != value)
                throw new S3Exception(S3Errors.BadDigest, $"The {algorithm.Name()} you specified did not match the calculated checksum.");
        }
        else
        {
            using var calculator = new ChecksumCalculator(algorithm);
            foreach (var part in parts)
                calculator.Append(Convert.FromBase64String(part.ChecksumValue!));
            value = calculator.GetBase64() + "-" + parts.Count.ToString(CultureInfo.InvariantCulture);
        }
        return (algorithm.Name(), value);
    }

    private static ulong ReadCrc(byte[] bigEndian)
    {
        ulong value = 0;
        foreach (var b in bigEndian)
            value = (value << 8) | b;
        return value;
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
    /// A sealed upload whose object is committed (the completion died before dropping the upload row):
    /// drop the row now and return the object. Null when the object does not name this upload.
    /// </summary>
    private async Task<ObjectRecord?> FinishCommittedCompletionAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        var committed = await CommittedObjectOfAsync(upload.Bucket, upload.Key, upload.UploadId, cancellationToken);
        if (committed is not null)
            await index.DeleteUploadAsync(upload, CancellationToken.None);
        return committed;
    }

    /// <summary>The current object of the key if it was completed from this upload.</summary>
    private async Task<ObjectRecord?> CommittedObjectOfAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken)
    {
        var current = await index.GetObjectAsync(bucket, key, null, cancellationToken);
        return current is not null && MultipartLayout.IsMultipart(current.DataLayout) && MultipartLayout.Parse(current.DataLayout).UploadId == uploadId
            ? current
            : null;
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

    public async Task<UploadListing> ListMultipartUploadsAsync(UploadListRequest request, CancellationToken cancellationToken)
    {
        await RequireBucketAsync(request.Bucket, cancellationToken);
        return await index.ListUploadsAsync(request, cancellationToken);
    }
}
