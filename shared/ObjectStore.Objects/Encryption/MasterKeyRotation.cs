using ObjectStore.Index;

namespace ObjectStore.Objects.Encryption;

/// <summary>
/// Master key rotation without rewriting data: counts what each master key wraps (users' secret keys,
/// object versions' and open uploads' data keys), and re-wraps under the current key whatever a
/// retired key still wraps. Every re-wrap is a conditional index update of the row as read, so a
/// concurrent write wins (its row is then already current, or the next pass takes it). A pass stops
/// after a bounded number of re-wraps and reports whether it got through everything; running it
/// again is always safe (rows already current are skipped), so a crash loses nothing.
/// </summary>
public sealed class MasterKeyRotation(IObjectIndex index, IIdentityStore identities, MasterKeyRing keys, SecretProtector protector)
{
    private const int PageSize = 500;

    /// <summary>How many secrets and data keys each master key id wraps.</summary>
    public async Task<MasterKeyStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        var accessKeys = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var versions = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var uploads = new SortedDictionary<string, long>(StringComparer.Ordinal);
        static void Count(SortedDictionary<string, long> counts, string? keyId)
        {
            var id = keyId ?? "unknown";
            counts[id] = counts.GetValueOrDefault(id) + 1;
        }
        await foreach (var key in AccessKeysAsync(cancellationToken))
            Count(accessKeys, MasterKeyRing.KeyIdOf(key.EncryptedSecret));
        await foreach (var version in EncryptedVersionsAsync(cancellationToken))
            Count(versions, WrappedKeyIdOf(version.Encryption));
        await foreach (var upload in EncryptedUploadsAsync(cancellationToken))
            Count(uploads, WrappedKeyIdOf(upload.Encryption));
        return new MasterKeyStatus(keys.CurrentKeyId, keys.KeyIds, accessKeys, versions, uploads);
    }

    /// <summary>
    /// Re-wraps up to <paramref name="limit"/> secrets and data keys that are not under the current key.
    /// <see cref="RewrapResult.Complete"/> is true when the pass saw everything and nothing was left
    /// behind (no limit reached, no concurrent change skipped).
    /// </summary>
    public async Task<RewrapResult> RewrapAsync(int limit, CancellationToken cancellationToken)
    {
        var done = new RewrapCounter(limit);

        await foreach (var key in AccessKeysAsync(cancellationToken))
        {
            if (protector.IsCurrent(key.EncryptedSecret))
                continue;
            if (done.Full)
                return done.Result(keys.CurrentKeyId, complete: false);
            var resealed = key with { EncryptedSecret = protector.Reseal(key.AccessKeyId, key.EncryptedSecret) };
            done.Add(ref done.AccessKeys, await identities.UpdateAccessKeyAsync(resealed, cancellationToken));
        }

        await foreach (var version in EncryptedVersionsAsync(cancellationToken))
        {
            if (IsCurrent(version.Encryption!))
                continue;
            if (done.Full)
                return done.Result(keys.CurrentKeyId, complete: false);
            var outcome = await index.UpdateVersionAsync(version.Bucket, version.Key, version.VersionId, version.DataLayout, version.RestoreLayout,
                stored => stored with { Encryption = Rewrapped(stored.Encryption) }, cancellationToken);
            done.Add(ref done.Versions, outcome.Result);
        }

        await foreach (var upload in EncryptedUploadsAsync(cancellationToken))
        {
            if (IsCurrent(upload.Encryption!))
                continue;
            if (done.Full)
                return done.Result(keys.CurrentKeyId, complete: false);
            var stored = await index.GetUploadAsync(upload.Bucket, upload.Key, upload.UploadId, cancellationToken);
            if (stored?.Encryption is null)
                continue; // completed or aborted meanwhile: its object version (if any) is scanned next pass
            var (result, _) = await index.UpdateUploadAsync(stored with { Encryption = Rewrapped(stored.Encryption) }, cancellationToken);
            done.Add(ref done.Uploads, result);
        }
        return done.Result(keys.CurrentKeyId, complete: done.Skipped == 0);
    }

    private static string? WrappedKeyIdOf(string? encryption) =>
        ObjectEncryption.Parse(encryption) is { Kind: SseKind.S3 } record ? MasterKeyRing.KeyIdOf(record.WrappedKey) : null;

    /// <summary>SSE-C records wrap nothing: they count as current.</summary>
    private bool IsCurrent(string encryption) =>
        ObjectEncryption.Parse(encryption) is not { Kind: SseKind.S3 } record || keys.IsCurrent(record.WrappedKey);

    private string? Rewrapped(string? encryption)
    {
        if (ObjectEncryption.Parse(encryption) is not { Kind: SseKind.S3 } record || keys.IsCurrent(record.WrappedKey))
            return encryption;
        var wrapped = keys.Rewrap(record.WrappedKey, DataKeys.WrapContext(record.ContextId));
        return (record with { Secret = Convert.ToBase64String(wrapped) }).Serialize();
    }

    private async IAsyncEnumerable<AccessKeyRecord> AccessKeysAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var user in identities.ListUsersAsync(cancellationToken))
        {
            await foreach (var key in identities.ListAccessKeysAsync(user.Name, cancellationToken))
                yield return key;
        }
    }

    /// <summary>Every version with an encryption record, bucket by bucket, page by page.</summary>
    private async IAsyncEnumerable<ObjectRecord> EncryptedVersionsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buckets = new List<string>();
        await foreach (var bucket in index.ListBucketsAsync(cancellationToken))
            buckets.Add(bucket.Name);
        foreach (var bucket in buckets)
        {
            string? keyMarker = null, versionMarker = null;
            while (true)
            {
                var page = await index.ListVersionsAsync(new VersionListRequest(bucket, "", null, keyMarker, versionMarker, PageSize), cancellationToken);
                foreach (var entry in page.Entries)
                {
                    if (!entry.Version.IsDeleteMarker && entry.Version.Encryption is not null)
                        yield return entry.Version;
                }
                if (!page.IsTruncated)
                    break;
                (keyMarker, versionMarker) = (page.NextKeyMarker, page.NextVersionIdMarker);
            }
        }
    }

    /// <summary>Every upload in progress with an encryption record.</summary>
    private async IAsyncEnumerable<UploadRecord> EncryptedUploadsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buckets = new List<string>();
        await foreach (var bucket in index.ListBucketsAsync(cancellationToken))
            buckets.Add(bucket.Name);
        foreach (var bucket in buckets)
        {
            string? keyMarker = null, uploadMarker = null;
            while (true)
            {
                var page = await index.ListUploadsAsync(new UploadListRequest(bucket, "", null, keyMarker, uploadMarker, PageSize), cancellationToken);
                foreach (var upload in page.Uploads)
                {
                    if (upload.Encryption is not null)
                        yield return upload;
                }
                if (!page.IsTruncated)
                    break;
                (keyMarker, uploadMarker) = (page.NextKeyMarker, page.NextUploadIdMarker);
            }
        }
    }

    private sealed class RewrapCounter(int limit)
    {
        public int AccessKeys;
        public int Versions;
        public int Uploads;
        public int Skipped;

        public bool Full => AccessKeys + Versions + Uploads >= limit;

        public void Add(ref int counter, IndexWriteResult result)
        {
            if (result == IndexWriteResult.Success)
                counter++;
            else
                Skipped++; // changed or removed concurrently: a later pass decides
        }

        public RewrapResult Result(string currentKeyId, bool complete) => new(currentKeyId, AccessKeys, Versions, Uploads, Skipped, complete);
    }
}

/// <summary>What each master key (by id) wraps: access keys' secrets, object versions' and uploads' data keys.</summary>
public sealed record MasterKeyStatus(
    string CurrentKeyId,
    IReadOnlyList<string> KeyIds,
    IReadOnlyDictionary<string, long> AccessKeys,
    IReadOnlyDictionary<string, long> ObjectVersions,
    IReadOnlyDictionary<string, long> Uploads);

/// <param name="Complete">Everything is under the current key as far as this pass saw; false: run it again.</param>
public sealed record RewrapResult(string CurrentKeyId, int AccessKeys, int ObjectVersions, int Uploads, int Skipped, bool Complete);
