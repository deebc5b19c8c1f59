using System.Diagnostics.Metrics;
using ObjectStore.Storage;

namespace ObjectStore.Background;

/// <summary>Repair counters on the "ObjectStore.Repair" meter (for dotnet-counters or an OpenTelemetry exporter).</summary>
public sealed class RepairMetrics : IDisposable
{
    public const string MeterName = "ObjectStore.Repair";

    private readonly Meter _meter;
    private readonly Counter<long> _checked;
    private readonly Counter<long> _bytesChecked;
    private readonly Counter<long> _shardsRepaired;
    private readonly Counter<long> _corruptBlocks;
    private readonly Counter<long> _unrepaired;
    private readonly Counter<long> _orphansRemoved;
    private readonly Counter<long> _healRequests;
    private readonly Counter<long> _dataDeleted;
    private readonly Histogram<double> _passSeconds;

    public RepairMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _checked = _meter.CreateCounter<long>("objectstore.repair.data_checked", description: "Object versions and parts checked");
        _bytesChecked = _meter.CreateCounter<long>("objectstore.repair.bytes_checked", "By");
        _shardsRepaired = _meter.CreateCounter<long>("objectstore.repair.shards_repaired");
        _corruptBlocks = _meter.CreateCounter<long>("objectstore.repair.corrupt_blocks");
        _unrepaired = _meter.CreateCounter<long>("objectstore.repair.data_unrepaired", description: "Data left degraded or unreadable by a check");
        _orphansRemoved = _meter.CreateCounter<long>("objectstore.repair.orphans_removed");
        _healRequests = _meter.CreateCounter<long>("objectstore.repair.heal_requests");
        _dataDeleted = _meter.CreateCounter<long>("objectstore.repair.data_deleted", description: "Unreferenced data deleted after its grace period");
        _passSeconds = _meter.CreateHistogram<double>("objectstore.repair.pass_duration", "s");
    }

    internal void Checked(DataCheckResult result)
    {
        _checked.Add(1, new KeyValuePair<string, object?>("mode", result.Mode.ToString()));
        _bytesChecked.Add(result.Layout.Length);
        if (result.Repaired > 0) _shardsRepaired.Add(result.Repaired);
        if (result.CorruptBlocks > 0) _corruptBlocks.Add(result.CorruptBlocks);
        if (result.Health != DataHealth.Healthy) _unrepaired.Add(1, new KeyValuePair<string, object?>("health", result.Health.ToString()));
    }

    internal void OrphanRemoved() => _orphansRemoved.Add(1);

    internal void HealRequest() => _healRequests.Add(1);

    internal void DataDeleted() => _dataDeleted.Add(1);

    internal void PassRan(TimeSpan elapsed) => _passSeconds.Record(elapsed.TotalSeconds);

    public void Dispose() => _meter.Dispose();
}
