namespace ObjectStore.Storage;

/// <summary>Counts each bad shard a read meets (<see cref="StorageMetrics"/>), then tells the next observer (heal-on-read), if any.</summary>
public sealed class DegradedReadMetrics(StorageMetrics metrics, IDegradedReadObserver? next) : IDegradedReadObserver
{
    public void OnBadShard(BadShardReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        metrics.BadShard(report.Zone, report.Problem);
        next?.OnBadShard(report);
    }
}
