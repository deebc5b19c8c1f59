using System.Runtime.CompilerServices;
using System.Text;
using ObjectStore.Index;

namespace ObjectStore.S3.Tests.Fakes;

/// <summary>An in-process index for protocol tests only (integration tests use the Table index).</summary>
internal sealed partial class InMemoryIndex : IObjectIndex
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, BucketRecord> _buckets = new(StringComparer.Ordinal);
    /// <summary>Every version of each key, newest first.</summary>
    private readonly SortedDictionary<(string Bucket, string Key), List<ObjectRecord>> _objects = new(new KeyOrder());
    private int _token;

    /// <summary>Set to make the next PutObjectAsync throw (index outage).</summary>
    public Exception? FailNextPut { get; set; }

    private sealed class KeyOrder : IComparer<(string Bucket, string Key)>
    {
        public int Compare((string Bucket, string Key) x, (string Bucket, string Key) y)
        {
            var c = string.CompareOrdinal(x.Bucket, y.Bucket);
            return c != 0 ? c : Utf8Compare(x.Key, y.Key);
        }
    }

    internal static int Utf8Compare(string a, string b) =>
        Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<BucketRecord?> GetBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_buckets.GetValueOrDefault(bucket));
    }

    public Task<bool> TryCreateBucketAsync(BucketRecord bucket, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_buckets.TryAdd(bucket.Name, bucket with { ConcurrencyToken = NextToken() }));
    }

    public Task<IndexWriteResult> UpdateBucketAsync(BucketRecord bucket, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_buckets.TryGetValue(bucket.Name, out var current)) return Task.FromResult(IndexWriteResult.NotFound);
            if (current.ConcurrencyToken != bucket.ConcurrencyToken) return Task.FromResult(IndexWriteResult.ConditionFailed);
            _buckets[bucket.Name] = bucket with { ConcurrencyToken = NextToken() };
            return Task.FromResult(IndexWriteResult.Success);
        }
    }

    public Task<IndexWriteResult> DeleteBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_buckets.ContainsKey(bucket)) return Task.FromResult(IndexWriteResult.NotFound);
            if (_objects.Keys.Any(k => k.Bucket == bucket)) return Task.FromResult(IndexWriteResult.NotEmpty);
            RetireIfPending(bucket);
            _buckets.Remove(bucket);
            return Task.FromResult(IndexWriteResult.Success);
        }
    }

    public async IAsyncEnumerable<BucketRecord> ListBucketsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<BucketRecord> all;
        lock (_lock) all = [.. _buckets.Values];
        foreach (var b in all)
        {
            await Task.Yield();
            yield return b;
        }
    }

    public Task<ObjectRecord?> GetObjectAsync(string bucket, string key, string? versionId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var versions = _objects.GetValueOrDefault((bucket, key));
            return Task.FromResult(versions is null ? null : versionId is null ? versions[0] : versions.Find(v => v.VersionId == versionId));
        }
    }

    public Task<ObjectWriteOutcome> PutObjectAsync(ObjectRecord record, WriteCondition condition, BucketVersioning versioning, CancellationToken cancellationToken,
        IReadOnlyList<ObjectStore.Index.Events.ObjectEvent>? events = null)
    {
        if (FailNextPut is { } failure)
        {
            FailNextPut = null;
            throw failure;
        }
        lock (_lock)
        {
            if (!_buckets.ContainsKey(record.Bucket)) return Task.FromResult(ObjectWriteOutcome.Failed(IndexWriteResult.NotFound));
            var versions = _objects.GetValueOrDefault((record.Bucket, record.Key));
            var live = versions is { Count: > 0 } && !versions[0].IsDeleteMarker ? versions[0] : null;
            switch (condition.Kind)
            {
                case WriteConditionKind.MustNotExist when live is not null:
                    return Task.FromResult(ObjectWriteOutcome.Failed(IndexWriteResult.ConditionFailed));
                case WriteConditionKind.ETagMatches when live is null:
                    return Task.FromResult(ObjectWriteOutcome.Failed(IndexWriteResult.NotFound));
                case WriteConditionKind.ETagMatches when live.ETag != condition.ETag:
                    return Task.FromResult(ObjectWriteOutcome.Failed(IndexWriteResult.ConditionFailed));
            }
            return Task.FromResult(AddLatest(record with { IsDeleteMarker = false }, versioning));
        }
    }

    public Task<ObjectWriteOutcome> DeleteObjectAsync(string bucket, string key, string? versionId, WriteCondition condition, BucketVersioning versioning, CancellationToken cancellationToken,
        IReadOnlyList<ObjectStore.Index.Events.ObjectEvent>? events = null)
    {
        lock (_lock)
        {
            var versions = _objects.GetValueOrDefault((bucket, key));
            if (versionId is not null)
            {
                var index = versions?.FindIndex(v => v.VersionId == versionId) ?? -1;
                if (index < 0) return Task.FromResult(ObjectWriteOutcome.Failed(IndexWriteResult.NotFound));
                var removed = versions![index];
                versions.RemoveAt(index);
                if (versions.Count == 0) _objects.Remove((bucket, key));
                RecordDeletions([removed]);
                return Task.FromResult(new ObjectWriteOutcome(IndexWriteResult.Success, null, [removed]));
            }
            if (versioning == BucketVersioning.Unversioned)
            {
                if (!_objects.Remove((bucket, key), out var gone))
                    return Task.FromResult(ObjectWriteOutcome.Failed(IndexWriteResult.NotFound));
                RecordDeletions(gone);
                return Task.FromResult(new ObjectWriteOutcome(IndexWriteResult.Success, null, gone));
            }
            var marker = new ObjectRecord(bucket, key, "", 0, "", DateTimeOffset.UtcNow, "STANDARD", "") { IsDeleteMarker = true };
            return Task.FromResult(AddLatest(marker, versioning));
        }
    }

    public Task<ObjectWriteOutcome> UpdateTagsAsync(string bucket, string key, string? versionId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken,
        IReadOnlyList<ObjectStore.Index.Events.ObjectEvent>? events = null)
    {
        lock (_lock)
        {
            var versions = _objects.GetValueOrDefault((bucket, key));
            var index = versions is null ? -1 : versionId is null ? 0 : versions.FindIndex(v => v.VersionId == versionId);
            if (index < 0 || versions![index].IsDeleteMarker) return Task.FromResult(ObjectWriteOutcome.Failed(IndexWriteResult.NotFound));
            versions[index] = versions[index] with { Tags = tags, ConcurrencyToken = NextToken() };
            return Task.FromResult(new ObjectWriteOutcome(IndexWriteResult.Success, versions[index], []));
        }
    }

    public Task<ObjectWriteOutcome> UpdateVersionAsync(string bucket, string key, string versionId, string expectedDataLayout, string? expectedRestoreLayout,
        Func<ObjectRecord, ObjectRecord> change, CancellationToken cancellationToken, IReadOnlyList<ObjectStore.Index.Events.ObjectEvent>? events = null,
        IReadOnlyList<string>? unreferencedLayouts = null)
    {
        lock (_lock)
        {
            var versions = _objects.GetValueOrDefault((bucket, key));
            var index = versions is null ? -1 : versions.FindIndex(v => v.VersionId == versionId);
            if (index < 0 || versions![index].IsDeleteMarker) return Task.FromResult(ObjectWriteOutcome.Failed(IndexWriteResult.NotFound));
            if (versions[index].DataLayout != expectedDataLayout || versions[index].RestoreLayout != expectedRestoreLayout)
                return Task.FromResult(ObjectWriteOutcome.Failed(IndexWriteResult.ConditionFailed));
            var changed = change(versions[index]);
            if (ReferenceEquals(changed, versions[index]))
                return Task.FromResult(ObjectWriteOutcome.Failed(IndexWriteResult.ConditionFailed));
            foreach (var layout in (unreferencedLayouts ?? []).Distinct())
            {
                if (layout != changed.DataLayout && layout != changed.RestoreLayout && (layout == versions[index].DataLayout || layout == versions[index].RestoreLayout))
                    RecordDeletion(versions[index], layout);
            }
            versions[index] = changed with { ConcurrencyToken = NextToken() };
            return Task.FromResult(new ObjectWriteOutcome(IndexWriteResult.Success, versions[index], []));
        }
    }

    public Task<VersionListing> ListVersionsAsync(VersionListRequest request, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var entries = _objects.Where(kv => kv.Key.Bucket == request.Bucket && kv.Key.Key.StartsWith(request.Prefix, StringComparison.Ordinal))
                .SelectMany(kv => kv.Value.Select((v, i) => new VersionEntry(v, i == 0)))
                .Take(request.MaxKeys).ToList();
            return Task.FromResult(new VersionListing(entries, [], false, null, null));
        }
    }

    /// <summary>Caller holds the lock.</summary>
    private ObjectWriteOutcome AddLatest(ObjectRecord record, BucketVersioning versioning)
    {
        if (!_objects.TryGetValue((record.Bucket, record.Key), out var versions))
            _objects[(record.Bucket, record.Key)] = versions = [];
        var committed = record with
        {
            VersionId = versioning == BucketVersioning.Enabled ? "v" + NextToken() : VersionIds.Null,
            ConcurrencyToken = NextToken(),
        };
        var removed = versioning == BucketVersioning.Enabled ? [] : versions.FindAll(v => v.VersionId == VersionIds.Null);
        versions.RemoveAll(v => v.VersionId == VersionIds.Null && versioning != BucketVersioning.Enabled);
        RecordDeletions(removed, keptLayout: record.DataLayout);
        versions.Insert(0, committed);
        return new ObjectWriteOutcome(IndexWriteResult.Success, committed, removed);
    }

    public Task<ObjectListing> ListObjectsAsync(ListRequest request, CancellationToken cancellationToken)
    {
        List<ObjectRecord> keys;
        lock (_lock)
            keys = _objects.Where(kv => kv.Key.Bucket == request.Bucket && !kv.Value[0].IsDeleteMarker).Select(kv => kv.Value[0]).ToList();

        var objects = new List<ObjectRecord>();
        var prefixes = new List<string>();
        string? last = null;
        var truncated = false;
        foreach (var o in keys)
        {
            if (!o.Key.StartsWith(request.Prefix, StringComparison.Ordinal)) continue;
            if (request.StartAfter is not null && Utf8Compare(o.Key, request.StartAfter) <= 0) continue;
            string? common = null;
            if (request.Delimiter is not null)
            {
                var at = o.Key.IndexOf(request.Delimiter, request.Prefix.Length, StringComparison.Ordinal);
                if (at >= 0) common = o.Key[..(at + request.Delimiter.Length)];
            }
            if (common is not null && (common == last || (request.StartAfter is not null && request.StartAfter.StartsWith(common, StringComparison.Ordinal))))
                continue;
            if (objects.Count + prefixes.Count == request.MaxKeys)
            {
                truncated = true;
                break;
            }
            if (common is not null) { prefixes.Add(common); last = common; }
            else { objects.Add(o); last = o.Key; }
        }
        return Task.FromResult(new ObjectListing(objects, prefixes, truncated, truncated ? last : null));
    }

    private string NextToken() => Interlocked.Increment(ref _token).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
