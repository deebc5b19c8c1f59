using Microsoft.Extensions.Logging;
using ObjectStore.Index;

namespace ObjectStore.Background;

/// <summary>
/// One repair pass: the work the Repair timer function and the local host's schedule run.
/// Shard health scanning and reconstruction land with the repair issue; today a pass walks the
/// buckets so both hosts exercise the same path and schedule.
/// </summary>
public sealed partial class RepairService(IObjectIndex index, TimeProvider time, ILogger<RepairService> logger)
{
    public async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var buckets = 0;
        await foreach (var _ in index.ListBucketsAsync(cancellationToken).ConfigureAwait(false))
            buckets++;
        LogPassCompleted(buckets, time.GetElapsedTime(started).TotalMilliseconds);
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Repair pass scanned {Buckets} buckets in {ElapsedMs:F0} ms")]
    private partial void LogPassCompleted(int buckets, double elapsedMs);
}
