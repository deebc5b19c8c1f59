using ObjectStore.Index;
using ObjectStore.Index.Events;

namespace ObjectStore.Testing.Fakes;

/// <summary>Version updates and the object and version listings, with the Table index's markers and roll-up.</summary>
public sealed partial class InMemoryIndex
{
    public Task<ObjectWriteOutcome> UpdateVersionAsync(string bucket, string key, string versionId, string expectedDataLayout, string? expectedRestoreLayout,
        Func<ObjectRecord, ObjectRecord> change, CancellationToken cancellationToken, IReadOnlyList<ObjectEvent>? events = null,
        IReadOnlyList<string>? unreferencedLayouts = null)
    {
        ArgumentNullException.ThrowIfNull(change);
        CheckKey(key);
        lock (_lock)
        {
            var versions = _objects.GetValueOrDefault((bucket, key));
            var index = versions is null ? -1 : versions.FindIndex(v => v.VersionId == versionId);
            if (index < 0 || versions![index].IsDeleteMarker) return Task.FromResult(ObjectWriteOutcome.Failed(IndexWriteResult.NotFound));
            var stored = versions[index];
            if (stored.DataLayout != expectedDataLayout || stored.RestoreLayout != expectedRestoreLayout)
                return Task.FromResult(ObjectWriteOutcome.Failed(IndexWriteResult.ConditionFailed));
            var changed = change(stored);
            if (ReferenceEquals(changed, stored))
                return Task.FromResult(ObjectWriteOutcome.Failed(IndexWriteResult.ConditionFailed));
            if (changed.Key != stored.Key || changed.VersionId != stored.VersionId || changed.ETag != stored.ETag || changed.Size != stored.Size
            || !ObjectLocks.SameLock(changed, stored))
                throw new ArgumentException("A version update may change only its storage class, data layout, restore state, encryption key wrapping and ACL (never its Object Lock).", nameof(change));
            foreach (var layout in (unreferencedLayouts ?? []).Distinct())
            {
                if (layout != changed.DataLayout && layout != changed.RestoreLayout && (layout == stored.DataLayout || layout == stored.RestoreLayout))
                    RecordDeletion(stored, layout);
            }
            versions[index] = changed with { ConcurrencyToken = NextToken() };
            // The Table index guards an older version's update with a touch of the current row: its token changes too.
            if (index > 0)
                versions[0] = versions[0] with { ConcurrencyToken = NextToken() };
            var committed = changed with { ConcurrencyToken = null };
            return Task.FromResult(new ObjectWriteOutcome(IndexWriteResult.Success, committed, [])
            {
                Events = RecordEvents(events, bucket, key, committed, committed.VersionId == VersionIds.Null ? null : committed.VersionId),
            });
        }
    }

    /// <summary>A listed record carries the listing columns only: no headers, user metadata, tags or inline data.</summary>
    private static ObjectRecord Listed(ObjectRecord record) => record with
    {
        Headers = new Dictionary<string, string>(),
        UserMetadata = new Dictionary<string, string>(),
        Tags = new Dictionary<string, string>(),
        InlineData = null,
        Acl = null,
    };

    /// <summary>The common prefix <paramref name="key"/> rolls up into, or null.</summary>
    private static string? CommonPrefix(string key, string prefix, string? delimiter)
    {
        if (string.IsNullOrEmpty(delimiter))
            return null;
        var at = key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
        return at < 0 ? null : key[..(at + delimiter.Length)];
    }

    public Task<VersionListing> ListVersionsAsync(VersionListRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.MaxKeys <= 0)
            return Task.FromResult(new VersionListing([], [], false, null, null));
        var prefix = request.Prefix ?? "";
        var marker = string.IsNullOrEmpty(request.KeyMarker) ? null : request.KeyMarker;
        var versionMarker = marker is null || string.IsNullOrEmpty(request.VersionIdMarker) ? null : request.VersionIdMarker;
        List<(string Key, List<ObjectRecord> Versions)> keys;
        lock (_lock)
            keys = _objects.Where(kv => kv.Key.Bucket == request.Bucket && kv.Key.Key.StartsWith(prefix, StringComparison.Ordinal))
                .Select(kv => (kv.Key.Key, kv.Value.ToList())).ToList();

        var entries = new List<VersionEntry>();
        var prefixes = new List<string>();
        string? lastKey = null, lastVersion = null;
        foreach (var (key, versions) in keys)
        {
            var order = marker is null ? 1 : Utf8Compare(key, marker);
            if (order < 0 || (order == 0 && versionMarker is null))
                continue;
            var common = CommonPrefix(key, prefix, request.Delimiter);
            if (common is not null)
            {
                // Returned on an earlier page when the marker is at or inside it.
                if (prefixes.Contains(common) || (marker is not null && Utf8Compare(marker, common) >= 0))
                    continue;
                if (entries.Count + prefixes.Count == request.MaxKeys)
                    return Task.FromResult(new VersionListing(entries, prefixes, true, lastKey, lastVersion));
                prefixes.Add(common);
                (lastKey, lastVersion) = (common, null);
                continue;
            }
            var from = 0;
            if (order == 0)
            {
                // Resume inside the marker key after its marker version (an unknown version: after all of them).
                var at = versions.FindIndex(v => v.VersionId == versionMarker);
                from = at < 0 ? versions.Count : at + 1;
            }
            for (var i = from; i < versions.Count; i++)
            {
                if (entries.Count + prefixes.Count == request.MaxKeys)
                    return Task.FromResult(new VersionListing(entries, prefixes, true, lastKey, lastVersion));
                entries.Add(new VersionEntry(Listed(versions[i]), i == 0));
                (lastKey, lastVersion) = (key, versions[i].VersionId);
            }
        }
        return Task.FromResult(new VersionListing(entries, prefixes, false, null, null));
    }

    public Task<ObjectListing> ListObjectsAsync(ListRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.MaxKeys <= 0)
            return Task.FromResult(new ObjectListing([], [], false, null)); // S3 answers max-keys=0 with IsTruncated false
        var prefix = request.Prefix ?? "";
        List<ObjectRecord> keys;
        lock (_lock)
            keys = _objects.Where(kv => kv.Key.Bucket == request.Bucket && !kv.Value[0].IsDeleteMarker).Select(kv => kv.Value[0]).ToList();

        var objects = new List<ObjectRecord>();
        var prefixes = new List<string>();
        string? last = null;
        var truncated = false;
        foreach (var o in keys)
        {
            if (!o.Key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            if (request.StartAfter is not null && Utf8Compare(o.Key, request.StartAfter) <= 0) continue;
            var common = CommonPrefix(o.Key, prefix, request.Delimiter);
            // A start-after at or inside a common prefix means an earlier page returned it.
            if (common is not null && (common == last || (request.StartAfter is not null && Utf8Compare(request.StartAfter, common) >= 0)))
                continue;
            if (objects.Count + prefixes.Count == request.MaxKeys)
            {
                truncated = true;
                break;
            }
            if (common is not null) { prefixes.Add(common); last = common; }
            else { objects.Add(Listed(o)); last = o.Key; }
        }
        return Task.FromResult(new ObjectListing(objects, prefixes, truncated, truncated ? last : null));
    }
}
