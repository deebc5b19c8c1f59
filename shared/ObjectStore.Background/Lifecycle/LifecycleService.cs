using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ObjectStore.Index;
using ObjectStore.Lifecycle;

namespace ObjectStore.Background;

/// <summary>
/// One lifecycle pass: the work the Lifecycle timer function and the local host's schedule run (and
/// the admin route <c>lifecycle/run</c>). It walks every bucket, each under a lease of its own, in
/// bounded batches from a cursor kept in the scan-state table: an invocation cut short (time limit,
/// crash, lost lease) leaves the cursor, and the next one resumes there. Each action is one
/// conditional index operation through <see cref="ILifecycleActions"/>; a concurrent client write to
/// the same version wins. Buckets without rules are walked for expired restored copies only.
/// </summary>
public sealed partial class LifecycleService(
    IObjectIndex index,
    IScanStateStore scans,
    ILifecycleActions actions,
    IRestoreQueue restores,
    IOptions<LifecycleOptions> options,
    TimeProvider time,
    ILogger<LifecycleService> logger)
{
    /// <summary>The pass name in the scan-state table.</summary>
    public const string PassName = "lifecycle";

    private readonly IObjectIndex _index = index;
    private readonly IScanStateStore _scans = scans;
    private readonly ILifecycleActions _actions = actions;
    private readonly IRestoreQueue _restores = restores;
    private readonly TimeProvider _time = time;
    private readonly LifecycleOptions _options = options.Value;

    /// <summary>This instance's lease owner name (unique per process and service instance).</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    public async Task RunPassAsync(CancellationToken cancellationToken) =>
        await RunAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Runs one pass over every bucket (or stops at <see cref="LifecycleOptions.PassTimeLimit"/>, keeping cursors).</summary>
    public async Task<LifecyclePassResult> RunAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var deadline = _options.PassTimeLimit is { } limit ? _time.GetUtcNow() + limit : (DateTimeOffset?)null;
        var total = new LifecycleCounters();
        var buckets = new List<LifecycleBucketResult>();
        var finished = true;
        var names = new List<BucketRecord>();
        await foreach (var bucket in _index.ListBucketsAsync(cancellationToken).ConfigureAwait(false))
            names.Add(bucket);
        foreach (var bucket in names)
        {
            if (deadline is { } d && _time.GetUtcNow() >= d)
            {
                finished = false;
                break;
            }
            var result = await RunBucketAsync(bucket, deadline, cancellationToken).ConfigureAwait(false);
            buckets.Add(result);
            total.Add(result.Counters);
            finished &= result.Status is LifecycleBucketStatus.Completed or LifecycleBucketStatus.LeasedElsewhere;
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        LogPassCompleted(buckets.Count, total.VersionsScanned, total.Expired, total.NoncurrentExpired, total.Transitioned, total.UploadsAborted, total.Skipped, elapsed.TotalMilliseconds);
        return new LifecyclePassResult(finished, buckets, total, elapsed.TotalMilliseconds);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
        Message = "Lifecycle pass over {Buckets} buckets: {Versions} versions scanned, {Expired} expired, {Noncurrent} noncurrent expired, {Transitioned} transitioned, {Aborted} uploads aborted, {Skipped} skipped (changed concurrently) in {ElapsedMs:F0} ms")]
    private partial void LogPassCompleted(int buckets, long versions, long expired, long noncurrent, long transitioned, long aborted, long skipped, double elapsedMs);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Lifecycle: bucket {Bucket} is leased by another instance; skipped")]
    private partial void LogLeasedElsewhere(string bucket);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Lifecycle: lost the lease on bucket {Bucket}; stopping there (the cursor stays for the next pass)")]
    private partial void LogLeaseLost(string bucket);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Lifecycle: bucket {Bucket} has a lifecycle document that no longer parses; only restored copies are handled")]
    private partial void LogBadConfiguration(Exception e, string bucket);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "Lifecycle: {Action} of /{Bucket}/{Key} ({VersionId}) by rule {Rule}: {Outcome}")]
    private partial void LogAction(string action, string bucket, string key, string versionId, string rule, LifecycleActionOutcome outcome);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Lifecycle: {Action} of /{Bucket}/{Key} ({VersionId}) failed; the next pass retries it")]
    private partial void LogActionFailed(Exception e, string action, string bucket, string key, string versionId);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "Lifecycle: bucket {Bucket} resumes from its saved cursor")]
    private partial void LogResuming(string bucket);

    [LoggerMessage(EventId = 3900, Level = LogLevel.Information,
        Message = "Lifecycle: /{Bucket}/{Key} ({VersionId}) is due to expire but Object Lock keeps it (mode {Mode}, retain until {RetainUntil}, legal hold {LegalHold})")]
    private partial void LogHeldByObjectLock(string bucket, string key, string versionId, string mode, DateTimeOffset? retainUntil, bool legalHold);
}
