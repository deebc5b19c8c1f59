using System.Runtime.CompilerServices;
using System.Text;
using ObjectStore.Index;
using ObjectStore.Index.Events;

namespace ObjectStore.Testing.Fakes;

/// <summary>
/// An in-process <see cref="IObjectIndex"/> for protocol tests (integration tests use the Table index).
/// It keeps the Table index's observable behaviour, which the contract suite in
/// tests/ObjectStore.Index.Tests checks against both: conditions, version ids, what a write returns,
/// listings in S3 order with the same markers, the outbox and data-row scans.
/// </summary>
public sealed partial class InMemoryIndex(TimeProvider? time = null) : IObjectIndex
{
    private const int MaxKeyBytes = 1024;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, BucketRecord> _buckets = new(StringComparer.Ordinal);
    /// <summary>Every version of each key, newest first; the first is the key's current version (a delete marker included).</summary>
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

    /// <summary>The Table index refuses keys it cannot encode: 1 to 1024 bytes of UTF-8.</summary>
    private static void CheckKey(string key)
    {
        var length = Encoding.UTF8.GetByteCount(key);
        if (length is 0 or > MaxKeyBytes)
            throw new ArgumentException($"An object key is 1 to {MaxKeyBytes} bytes of UTF-8; this one is {length}.", nameof(key));
    }

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
            // No token replaces whatever is there (never inserts), as the Table index's If-Match: *.
            if (bucket.ConcurrencyToken is not null && current.ConcurrencyToken != bucket.ConcurrencyToken) return Task.FromResult(IndexWriteResult.ConditionFailed);
            _buckets[bucket.Name] = bucket with { ConcurrencyToken = NextToken() };
            return Task.FromResult(IndexWriteResult.Success);
        }
    }

    public Task<IndexWriteResult> DeleteBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_buckets.ContainsKey(bucket)) return Task.FromResult(IndexWriteResult.NotFound);
            // Objects (delete markers included), uploads and parts keep a bucket; outbox rows and pending deletions do not.
            if (_objects.Keys.Any(k => k.Bucket == bucket) || _uploads.Keys.Any(k => k.Bucket == bucket) || _parts.Keys.Any(k => k.Bucket == bucket))
                return Task.FromResult(IndexWriteResult.NotEmpty);
            RetireIfPending(bucket);
            _buckets.Remove(bucket);
            return Task.FromResult(IndexWriteResult.Success);
        }
    }

    public async IAsyncEnumerable<BucketRecord> ListBucketsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<BucketRecord> all;
        lock (_lock) all = [.. _buckets.Values.OrderBy(b => b.Name, StringComparer.Ordinal)];
        foreach (var b in all)
        {
            await Task.Yield();
            yield return b;
        }
    }

    public Task<ObjectRecord?> GetObjectAsync(string bucket, string key, string? versionId, CancellationToken cancellationToken)
    {
        CheckKey(key);
        lock (_lock)
        {
            var versions = _objects.GetValueOrDefault((bucket, key));
            return Task.FromResult(versions is null ? null : versionId is null ? versions[0] : versions.Find(v => v.VersionId == versionId));
        }
    }

    public Task<ObjectWriteOutcome> PutObjectAsync(ObjectRecord record, WriteCondition condition, BucketVersioning versioning, CancellationToken cancellationToken,
        IReadOnlyList<ObjectEvent>? events = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (FailNextPut is { } failure)
        {
            FailNextPut = null;
            throw failure;
        }
        CheckKey(record.Key);
        if (record.InlineData is { Length: > InlineLayout.MaxStoredBytes } inline)
            throw new ArgumentException($"Inline data of {inline.Length} bytes; at most {InlineLayout.MaxStoredBytes} fit in one row.", nameof(record));
        lock (_lock)
        {
            var versions = _objects.GetValueOrDefault((record.Bucket, record.Key));
            if (Check(versions?[0], condition) is { } failed)
                return Task.FromResult(ObjectWriteOutcome.Failed(failed));
            if (NullVersionLocked(versions, versioning))
                return Task.FromResult(ObjectWriteOutcome.Failed(IndexWriteResult.Locked));
            var outcome = AddLatest(record with { IsDeleteMarker = false }, versioning);
            return Task.FromResult(outcome with
            {
                Events = RecordEvents(events, record.Bucket, record.Key, outcome.Committed!, versioning == BucketVersioning.Unversioned ? null : outcome.Committed!.VersionId),
            });
        }
    }

    public Task<ObjectWriteOutcome> DeleteObjectAsync(string bucket, string key, string? versionId, WriteCondition condition, BucketVersioning versioning, CancellationToken cancellationToken,
        IReadOnlyList<ObjectEvent>? events = null, bool bypassGovernance = false)
    {
        CheckKey(key);
        lock (_lock)
        {
            var versions = _objects.GetValueOrDefault((bucket, key));
            var now = _time.GetUtcNow();
            if (versionId is not null)
            {
                var index = versions?.FindIndex(v => v.VersionId == versionId) ?? -1;
                if (index < 0) return Task.FromResult(ObjectWriteOutcome.Failed(IndexWriteResult.NotFound));
                if (Check(versions![index], condition) is { } failed) return Task.FromResult(ObjectWriteOutcome.Failed(failed));
                if (ObjectLocks.Holds(versions[index], now, bypassGovernance)) return Task.FromResult(ObjectWriteOutcome.Failed(IndexWriteResult.Locked));
                var removed = versions[index];
                versions.RemoveAt(index);
                if (versions.Count == 0) _objects.Remove((bucket, key));
                RecordDeletions([removed]);
                return Task.FromResult(new ObjectWriteOutcome(IndexWriteResult.Success, null, [removed]) { Events = RecordEvents(events, bucket, key, null, versionId) });
            }
            if (versioning == BucketVersioning.Unversioned)
            {
                if (versions is null) return Task.FromResult(ObjectWriteOutcome.Failed(IndexWriteResult.NotFound));
                if (Check(versions[0], condition) is { } failed) return Task.FromResult(ObjectWriteOutcome.Failed(failed));
                if (versions.Any(v => ObjectLocks.Holds(v, now))) return Task.FromResult(ObjectWriteOutcome.Failed(IndexWriteResult.Locked));
                _objects.Remove((bucket, key));
                RecordDeletions(versions);
                return Task.FromResult(new ObjectWriteOutcome(IndexWriteResult.Success, null, [versions[0]]) { Events = RecordEvents(events, bucket, key, null, null) });
            }
            if (Check(versions?[0], condition) is { } refused)
                return Task.FromResult(ObjectWriteOutcome.Failed(refused));
            if (NullVersionLocked(versions, versioning))
                return Task.FromResult(ObjectWriteOutcome.Failed(IndexWriteResult.Locked));
            var marker = new ObjectRecord(bucket, key, "", 0, "", _time.GetUtcNow(), "STANDARD", "") { IsDeleteMarker = true, Owner = versions?[0].Owner ?? "" };
            var outcome = AddLatest(marker, versioning);
            return Task.FromResult(outcome with { Events = RecordEvents(events, bucket, key, outcome.Committed!, outcome.Committed!.VersionId) });
        }
    }

    public Task<ObjectWriteOutcome> UpdateTagsAsync(string bucket, string key, string? versionId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken,
        IReadOnlyList<ObjectEvent>? events = null)
    {
        CheckKey(key);
        lock (_lock)
        {
            var versions = _objects.GetValueOrDefault((bucket, key));
            var index = versions is null ? -1 : versionId is null ? 0 : versions.FindIndex(v => v.VersionId == versionId);
            if (index < 0 || versions![index].IsDeleteMarker) return Task.FromResult(ObjectWriteOutcome.Failed(IndexWriteResult.NotFound));
            versions[index] = versions[index] with { Tags = tags, ConcurrencyToken = NextToken() };
            var tagged = versions[index] with { ConcurrencyToken = null };
            return Task.FromResult(new ObjectWriteOutcome(IndexWriteResult.Success, tagged, [])
            {
                Events = RecordEvents(events, bucket, key, tagged, tagged.VersionId == VersionIds.Null ? null : tagged.VersionId),
            });
        }
    }

    /// <summary>
    /// Null when <paramref name="condition"/> holds for <paramref name="target"/> (the key's current
    /// version, or the version a delete names); a delete marker counts as no object, except for RowUnchanged.
    /// </summary>
    private static IndexWriteResult? Check(ObjectRecord? target, WriteCondition condition)
    {
        var live = target is { IsDeleteMarker: false } ? target : null;
        switch (condition.Kind)
        {
            case WriteConditionKind.MustNotExist:
                return live is null ? null : IndexWriteResult.ConditionFailed;
            case WriteConditionKind.ETagMatches:
                if (live is null)
                    return IndexWriteResult.NotFound;
                var wanted = condition.ETag ?? "";
                return wanted.Trim() == "*" || NormalizeETag(live.ETag) == NormalizeETag(wanted) ? null : IndexWriteResult.ConditionFailed;
            case WriteConditionKind.RowUnchanged:
                if (target is null)
                    return IndexWriteResult.NotFound;
                return target.ConcurrencyToken == condition.ETag ? null : IndexWriteResult.ConditionFailed;
            default:
                return null;
        }
    }

    /// <summary>S3 ETags compare without their quotes and without a weak-validator prefix.</summary>
    private static string NormalizeETag(string etag)
    {
        var value = etag.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
            value = value[2..];
        return value.Trim('"');
    }

    /// <summary>
    /// Makes <paramref name="record"/> the key's latest version; outside Enabled it replaces the null
    /// version. The committed record carries no concurrency token (as the Table index's): read it back for one.
    /// Caller holds the lock.
    /// </summary>
    private ObjectWriteOutcome AddLatest(ObjectRecord record, BucketVersioning versioning)
    {
        if (!_objects.TryGetValue((record.Bucket, record.Key), out var versions))
            _objects[(record.Bucket, record.Key)] = versions = [];
        var stored = record with
        {
            VersionId = versioning == BucketVersioning.Enabled ? "v" + NextToken().PadLeft(VersionIds.Length - 1, '0') : VersionIds.Null,
            ConcurrencyToken = NextToken(),
        };
        var removed = versioning == BucketVersioning.Enabled ? [] : versions.FindAll(v => v.VersionId == VersionIds.Null);
        versions.RemoveAll(v => v.VersionId == VersionIds.Null && versioning != BucketVersioning.Enabled);
        RecordDeletions(removed, keptLayout: record.DataLayout);
        versions.Insert(0, stored);
        return new ObjectWriteOutcome(IndexWriteResult.Success, stored with { ConcurrencyToken = null }, removed);
    }

    /// <summary>Outside Enabled a write replaces the null version: refused while Object Lock holds it. Caller holds the lock.</summary>
    private bool NullVersionLocked(List<ObjectRecord>? versions, BucketVersioning versioning) =>
        versioning != BucketVersioning.Enabled && versions is not null
        && versions.Any(v => v.VersionId == VersionIds.Null && ObjectLocks.Holds(v, _time.GetUtcNow()));

    public Task<ObjectWriteOutcome> UpdateObjectLockAsync(string bucket, string key, string? versionId, ObjectLockChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        CheckKey(key);
        lock (_lock)
        {
            var versions = _objects.GetValueOrDefault((bucket, key));
            var index = versions is null ? -1 : versionId is null ? 0 : versions.FindIndex(v => v.VersionId == versionId);
            if (index < 0 || versions![index].IsDeleteMarker) return Task.FromResult(ObjectWriteOutcome.Failed(IndexWriteResult.NotFound));
            if (!ObjectLocks.MayApply(versions[index], change, _time.GetUtcNow())) return Task.FromResult(ObjectWriteOutcome.Failed(IndexWriteResult.Locked));
            versions[index] = ObjectLocks.Apply(versions[index], change) with { ConcurrencyToken = NextToken() };
            if (index > 0)
                versions[0] = versions[0] with { ConcurrencyToken = NextToken() };
            return Task.FromResult(new ObjectWriteOutcome(IndexWriteResult.Success, versions[index] with { ConcurrencyToken = null }, []));
        }
    }

    private string NextToken() => Interlocked.Increment(ref _token).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
