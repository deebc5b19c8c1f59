using System.Collections.Concurrent;
using ObjectStore.Index;

namespace ObjectStore.Objects;

/// <summary>
/// This instance's short-lived copies of bucket records (<see cref="S3Options.BucketCacheLifetime"/>), so a
/// GET or HEAD reads only its object row. Only buckets that exist are kept (a NoSuchBucket is read again each
/// time). <see cref="BucketService"/> drops a bucket's entry whenever this instance changes or deletes the
/// bucket; changes made by other instances show within the lifetime (S3 documents the same delay for bucket
/// configuration).
/// </summary>
internal sealed class BucketCache(TimeSpan lifetime, TimeProvider time)
{
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<string, (BucketRecord Record, long ReadAt)> _entries = new(StringComparer.Ordinal);
    /// <summary>When each bucket was last forgotten: a read that started before then may be stale and is not kept.</summary>
    private readonly ConcurrentDictionary<string, long> _forgottenAt = new(StringComparer.Ordinal);

    public bool TryGet(string bucket, out BucketRecord record)
    {
        if (lifetime > TimeSpan.Zero && _entries.TryGetValue(bucket, out var entry) && time.GetElapsedTime(entry.ReadAt) < lifetime)
        {
            record = entry.Record;
            return true;
        }
        record = null!;
        return false;
    }

    /// <summary>Remembers a record read (or written) at <paramref name="readAt"/> (a <see cref="TimeProvider.GetTimestamp"/> taken before the read).</summary>
    public void Put(BucketRecord record, long readAt)
    {
        if (lifetime <= TimeSpan.Zero)
            return;
        if (_forgottenAt.TryGetValue(record.Name, out var forgotten) && readAt <= forgotten)
            return; // this instance changed the bucket while the read was under way
        if (_entries.Count >= MaxEntries)
            _entries.Clear(); // bounded; refilled by the next requests
        _entries[record.Name] = (record, readAt);
    }

    /// <summary>Drops the bucket's entry (this instance changed or deleted it).</summary>
    public void Forget(string bucket)
    {
        if (lifetime <= TimeSpan.Zero)
            return;
        if (_forgottenAt.Count >= MaxEntries)
            _forgottenAt.Clear();
        _forgottenAt[bucket] = time.GetTimestamp();
        _entries.TryRemove(bucket, out _);
    }
}
