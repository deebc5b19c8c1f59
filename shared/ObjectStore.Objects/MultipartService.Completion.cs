using System.Globalization;
using System.Security.Cryptography;
using ObjectStore.Index;
using ObjectStore.Index.Events;
using ObjectStore.Objects.Errors;
using ObjectStore.Objects.Integrity;

namespace ObjectStore.Objects;

/// <summary>
/// Completing an upload: seal the upload row, check the list against the part rows (ETags, checksums,
/// sizes), commit the object, and finish what a completion that died left behind.
/// </summary>
internal sealed partial class MultipartService
{
    /// <summary>
    /// Completes an upload: seal the upload row, check the list against the part rows, commit the object
    /// under <paramref name="condition"/>, drop the upload row and the parts the list left out. Completing
    /// again with the same list answers the same object, as S3 does.
    /// </summary>
    /// <param name="expectedChecksum">A full-object checksum the client sent with the completion, to verify.</param>
    /// <param name="target">The bucket as the request read it once (not read again here).</param>
    /// <param name="requester">Who made the request, for the event the commit records.</param>
    public async Task<ObjectRecord> CompleteMultipartUploadAsync(KnownBucket target, string key, string uploadId, IReadOnlyList<CompletedPart> list,
        WriteCondition condition, (ChecksumAlgorithm Algorithm, string Value)? expectedChecksum, Requester? requester, CancellationToken cancellationToken)
    {
        var bucket = target.Name;
        var etag = MultipartETag(list);
        for (var attempt = 0; attempt < MaxUploadRaceRetries; attempt++)
        {
            var upload = await index.GetUploadAsync(bucket, key, uploadId, cancellationToken);
            if (upload is null)
            {
                target.Require();
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
                return await CompleteSealedAsync(sealedUpload!, list, etag, condition, expectedChecksum, target, requester, cancellationToken);
            // A part commit touched the row (or another request changed its state): read it again.
        }
        throw new S3Exception(S3Errors.ServiceUnavailable, "The upload is being changed concurrently; please retry.");
    }

    private async Task<ObjectRecord> CompleteSealedAsync(UploadRecord upload, IReadOnlyList<CompletedPart> list, string etag,
        WriteCondition condition, (ChecksumAlgorithm Algorithm, string Value)? expectedChecksum, KnownBucket target, Requester? requester,
        CancellationToken cancellationToken)
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
                Acl = upload.Acl,
            };
            var bucket = target.Require();
            record = ObjectLockRules.ForNewVersion(record, ObjectLockRequest.Parse(upload.ObjectLock), bucket, record.LastModified);
            record = await CommitAsync(record, bucket, written: null, condition, EventNames.ObjectCreatedCompleteMultipartUpload, requester, cancellationToken);
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
}
