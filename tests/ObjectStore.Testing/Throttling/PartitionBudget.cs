using System.Collections.Concurrent;
using System.Diagnostics;

namespace ObjectStore.Testing.Throttling;

/// <summary>
/// A token bucket per Table partition: <see cref="OperationsPerSecond"/> refill, up to <see cref="Burst"/>
/// saved. Azure states its targets per partition (about 2,000 entities/s) and answers 503 ServerBusy
/// beyond them; this reproduces that at a budget small enough to reach on a laptop.
/// </summary>
public sealed class PartitionBudget(double operationsPerSecond, double? burst = null)
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private long _granted;
    private long _refused;

    public double OperationsPerSecond { get; } = operationsPerSecond > 0 ? operationsPerSecond : throw new ArgumentOutOfRangeException(nameof(operationsPerSecond));
    public double Burst { get; } = burst ?? operationsPerSecond;

    /// <summary>Operations let through (an entity-group transaction counts one per entity).</summary>
    public long Granted => Interlocked.Read(ref _granted);
    /// <summary>Operations answered 503 ServerBusy.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Takes <paramref name="operations"/> tokens of <paramref name="partition"/>'s bucket; false (and nothing taken) when it has too few.</summary>
    public bool TryTake(string partition, int operations = 1)
    {
        var bucket = _buckets.GetOrAdd(partition, _ => new Bucket(Burst));
        bool taken;
        lock (bucket)
        {
            var now = Stopwatch.GetTimestamp();
            bucket.Tokens = Math.Min(Burst, bucket.Tokens + Stopwatch.GetElapsedTime(bucket.Stamp, now).TotalSeconds * OperationsPerSecond);
            bucket.Stamp = now;
            // A transaction larger than the burst could never pass: it needs a full bucket instead.
            var cost = Math.Min(operations, Burst);
            taken = bucket.Tokens >= cost;
            if (taken)
                bucket.Tokens -= cost;
        }
        Interlocked.Add(ref taken ? ref _granted : ref _refused, operations);
        Interlocked.Add(ref taken ? ref bucket.Granted : ref bucket.Refused, operations);
        return taken;
    }

    /// <summary>Operations let through and refused so far, per partition (in ordinal order of the partition key).</summary>
    public IReadOnlyList<(string Partition, long Granted, long Refused)> ByPartition() =>
        _buckets.OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => (pair.Key, Interlocked.Read(ref pair.Value.Granted), Interlocked.Read(ref pair.Value.Refused)))
            .ToArray();

    private sealed class Bucket(double tokens)
    {
        public double Tokens = tokens;
        public long Stamp = Stopwatch.GetTimestamp();
        public long Granted;
        public long Refused;
    }
}
