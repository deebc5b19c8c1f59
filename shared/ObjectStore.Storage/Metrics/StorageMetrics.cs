using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ObjectStore.Storage;

/// <summary>
/// Data-plane instruments on the "ObjectStore.Storage" meter: shard-store calls by zone (latency and
/// errors), erasure coding (bytes and time, so throughput is their ratio) and the bad shards reads met.
/// Recorded by the decorators <see cref="MeteredShardStore"/>, <see cref="MeteredErasureCodec"/> and
/// <see cref="DegradedReadMetrics"/>, which the composition puts around the real parts.
/// </summary>
public sealed class StorageMetrics : IDisposable
{
    public const string MeterName = "ObjectStore.Storage";

    private readonly Meter _meter;
    private readonly Histogram<double> _shardCall;
    private readonly Counter<long> _shardErrors;
    private readonly Counter<long> _shardBytes;
    private readonly Counter<long> _codedBytes;
    private readonly Histogram<double> _codingSeconds;
    private readonly Counter<long> _badShards;

    public StorageMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _shardCall = _meter.CreateHistogram<double>("objectstore.shard_store.call.duration", "s", "Shard-store calls by zone, operation and outcome",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _shardErrors = _meter.CreateCounter<long>("objectstore.shard_store.call.errors", "{error}", "Shard-store calls that threw, by zone and operation");
        _shardBytes = _meter.CreateCounter<long>("objectstore.shard_store.io", "By", "Shard bytes read and written, by zone and direction");
        _codedBytes = _meter.CreateCounter<long>("objectstore.erasure.bytes", "By", "Bytes through the erasure codec (stripe blocks in), by operation (encode, reconstruct)");
        _codingSeconds = _meter.CreateHistogram<double>("objectstore.erasure.duration", "s", "Time in the erasure codec per stripe, by operation",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05] });
        _badShards = _meter.CreateCounter<long>("objectstore.read.bad_shards", "{shard}", "Missing or corrupt shards reads met (each one read around), by zone and problem");
    }

    /// <summary>Records one shard-store call that started at <paramref name="started"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void ShardCall(string zone, string operation, long started, string outcome)
    {
        var tags = new TagList { { "zone", zone }, { "operation", operation }, { "outcome", outcome } };
        _shardCall.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        if (outcome == Outcomes.Error)
            _shardErrors.Add(1, new TagList { { "zone", zone }, { "operation", operation } });
    }

    public void ShardBytes(string zone, string direction, long bytes)
    {
        if (bytes > 0)
            _shardBytes.Add(bytes, new TagList { { "zone", zone }, { "direction", direction } });
    }

    public void Coded(string operation, long bytes, long started)
    {
        var tag = new KeyValuePair<string, object?>("operation", operation);
        _codedBytes.Add(bytes, tag);
        _codingSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tag);
    }

    public void BadShard(string zone, ShardProblem problem) =>
        _badShards.Add(1, new TagList { { "zone", zone }, { "problem", problem.ToString() } });

    public void Dispose() => _meter.Dispose();

    /// <summary>Values of the "outcome" attribute.</summary>
    public static class Outcomes
    {
        public const string Ok = "ok";
        public const string NotFound = "not_found";
        public const string Error = "error";
    }
}
