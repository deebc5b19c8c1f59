using Microsoft.Extensions.Logging;
using ObjectStore.Index;

namespace ObjectStore.Background;

/// <summary>
/// One lifecycle pass: the work the Lifecycle timer function and the local host's schedule run.
/// The rule engine (expiration, transitions, stale uploads) lands with the lifecycle issue; today a
/// pass walks the buckets so both hosts exercise the same path and schedule.
/// </summary>
public sealed partial class LifecycleService(IObjectIndex index, TimeProvider time, ILogger<LifecycleService> logger)
{
    public async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var buckets = 0;
        await foreach (var _ in index.ListBucketsAsync(cancellationToken).ConfigureAwait(false))
            buckets++;
        LogPassCompleted(buckets, time.GetElapsedTime(started).TotalMilliseconds);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Lifecycle pass scanned {Buckets} buckets in {ElapsedMs:F0} ms")]
    private partial void LogPassCompleted(int buckets, double elapsedMs);
}
