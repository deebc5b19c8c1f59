using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ObjectStore.Background;

/// <summary>The last finished usage of each bucket this process counted or read.</summary>
internal sealed class UsageSnapshot
{
    private readonly ConcurrentDictionary<string, BucketUsage> _buckets = new(StringComparer.Ordinal);

    public void Set(string bucket, BucketUsage usage) => _buckets[bucket] = usage;

    public ICollection<BucketUsage> All => _buckets.Values;
}

/// <summary>
/// Observable gauges on the "ObjectStore.Usage" meter, read from the usage pass's last counts (so a
/// scrape costs no index call): bytes by storage class and kind (current, noncurrent, parts, stored),
/// the event outbox's depth and the age of its oldest event per destination. No bucket names: the
/// scrape endpoint is not signed (docs/metrics.md).
/// </summary>
public sealed class UsageMetrics : IDisposable
{
    public const string MeterName = "ObjectStore.Usage";

    private readonly Meter _meter;

    public UsageMetrics(UsageService usage, TimeProvider time, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var snapshot = usage.Snapshot;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _meter.CreateObservableGauge("objectstore.usage.bytes", () => Bytes(snapshot), "By",
            "Bytes held, by storage class and kind (current, noncurrent, parts, stored), as of the last usage pass");
        _meter.CreateObservableGauge("objectstore.usage.objects", () => Objects(snapshot), "{object}",
            "Current objects, noncurrent versions, delete markers and unfinished uploads, as of the last usage pass");
        _meter.CreateObservableGauge("objectstore.outbox.depth", () => Outbox(snapshot, o => o.Events), "{event}",
            "Events recorded but not yet on the events queue, by destination, as of the last usage pass");
        _meter.CreateObservableGauge("objectstore.outbox.oldest_age", () => OldestAge(snapshot, time), "s",
            "Age of the oldest event not yet on the events queue, by destination, as of the last usage pass");
    }

    private static IEnumerable<Measurement<long>> Bytes(UsageSnapshot snapshot) =>
        snapshot.All.SelectMany(u => u.Classes)
            .GroupBy(c => c.StorageClass, StringComparer.Ordinal)
            .SelectMany(g => new[]
            {
                Measure(g.Sum(c => c.Bytes), g.Key, "current"),
                Measure(g.Sum(c => c.NoncurrentBytes), g.Key, "noncurrent"),
                Measure(g.Sum(c => c.PartBytes), g.Key, "parts"),
                Measure(g.Sum(c => c.StoredBytes), g.Key, "stored"),
            });

    private static IEnumerable<Measurement<long>> Objects(UsageSnapshot snapshot)
    {
        var all = snapshot.All;
        yield return new Measurement<long>(all.Sum(u => u.Totals.Objects), new KeyValuePair<string, object?>("kind", "current"));
        yield return new Measurement<long>(all.Sum(u => u.Totals.NoncurrentVersions), new KeyValuePair<string, object?>("kind", "noncurrent"));
        yield return new Measurement<long>(all.Sum(u => u.DeleteMarkers), new KeyValuePair<string, object?>("kind", "delete_marker"));
        yield return new Measurement<long>(all.Sum(u => u.Uploads.Count), new KeyValuePair<string, object?>("kind", "upload"));
        yield return new Measurement<long>(all.Sum(u => u.Uploads.Stale), new KeyValuePair<string, object?>("kind", "stale_upload"));
    }

    private static Measurement<long> Measure(long value, string storageClass, string kind) =>
        new(value, new KeyValuePair<string, object?>("storage_class", storageClass), new KeyValuePair<string, object?>("kind", kind));

    private static IEnumerable<Measurement<long>> Outbox(UsageSnapshot snapshot, Func<OutboxBacklog, long> value) =>
        snapshot.All.SelectMany(u => u.Outbox).GroupBy(o => o.Destination, StringComparer.Ordinal)
            .Select(g => new Measurement<long>(g.Sum(value), new KeyValuePair<string, object?>("destination", g.Key)));

    private static IEnumerable<Measurement<double>> OldestAge(UsageSnapshot snapshot, TimeProvider time)
    {
        var now = time.GetUtcNow();
        return snapshot.All.SelectMany(u => u.Outbox).Where(o => o.OldestEventTime is not null)
            .GroupBy(o => o.Destination, StringComparer.Ordinal)
            .Select(g => new Measurement<double>((now - g.Min(o => o.OldestEventTime!.Value)).TotalSeconds, new KeyValuePair<string, object?>("destination", g.Key)));
    }

    public void Dispose() => _meter.Dispose();
}
