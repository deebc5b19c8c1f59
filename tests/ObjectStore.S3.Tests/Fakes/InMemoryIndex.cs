using System.Runtime.CompilerServices;
using System.Text;
using ObjectStore.Index;

namespace ObjectStore.S3.Tests.Fakes;

/// <summary>An in-process index for protocol tests only (integration tests use the Table index).</summary>
internal sealed class InMemoryIndex : IObjectIndex
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, BucketRecord> _buckets = new(StringComparer.Ordinal);
    private readonly SortedDictionary<(string Bucket, string Key), ObjectRecord> _objects = new(new KeyOrder());
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

    public Task<ObjectRecord?> GetObjectAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_objects.GetValueOrDefault((bucket, key)));
    }

    public Task<ObjectWriteOutcome> PutObjectAsync(ObjectRecord record, WriteCondition condition, CancellationToken cancellationToken)
    {
        if (FailNextPut is { } failure)
        {
            FailNextPut = null;
            throw failure;
        }
        lock (_lock)
        {
            if (!_buckets.ContainsKey(record.Bucket)) return Task.FromResult(new ObjectWriteOutcome(IndexWriteResult.NotFound, null));
            var current = _objects.GetValueOrDefault((record.Bucket, record.Key));
            switch (condition.Kind)
            {
                case WriteConditionKind.MustNotExist when current is not null:
                    return Task.FromResult(new ObjectWriteOutcome(IndexWriteResult.ConditionFailed, null));
                case WriteConditionKind.ETagMatches when current is null:
                    return Task.FromResult(new ObjectWriteOutcome(IndexWriteResult.NotFound, null));
                case WriteConditionKind.ETagMatches when current.ETag != condition.ETag:
                    return Task.FromResult(new ObjectWriteOutcome(IndexWriteResult.ConditionFailed, null));
            }
            _objects[(record.Bucket, record.Key)] = record with { ConcurrencyToken = NextToken() };
            return Task.FromResult(new ObjectWriteOutcome(IndexWriteResult.Success, current));
        }
    }

    public Task<ObjectWriteOutcome> DeleteObjectAsync(string bucket, string key, WriteCondition condition, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_objects.Remove((bucket, key), out var removed))
                return Task.FromResult(new ObjectWriteOutcome(IndexWriteResult.NotFound, null));
            return Task.FromResult(new ObjectWriteOutcome(IndexWriteResult.Success, removed));
        }
    }

    public Task<ObjectListing> ListObjectsAsync(ListRequest request, CancellationToken cancellationToken)
    {
        List<ObjectRecord> keys;
        lock (_lock)
            keys = _objects.Where(kv => kv.Key.Bucket == request.Bucket).Select(kv => kv.Value).ToList();

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
