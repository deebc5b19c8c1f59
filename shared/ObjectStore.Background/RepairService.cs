using System.Text.Json;
using Microsoft.Extensions.Logging;
using ObjectStore.Index;
using ObjectStore.Storage;

namespace ObjectStore.Background;

/// <summary>
/// One repair pass: the work the Repair timer function and the local host's schedule run (and the
/// admin API's <c>repair/run</c>). In order: the heal-on-read requests readers queued; then the
/// walk over every object version and multipart part of every bucket, in batches from a cursor
/// kept in the scan state store under a lease, checking each piece of data's shards and rebuilding
/// bad ones; then, once the walk reached its end, orphan collection. Every run under the lease first
/// collects pending data deletions whose grace period is over (RepairService.Deletions.cs). A pass stops at its time
/// budget and the next one resumes from the cursor; every step is idempotent. Design: docs/repair.md.
/// </summary>
public sealed partial class RepairService(
    IObjectIndex index,
    RepairDataPlane dataPlane,
    RepairWorkState work,
    RepairOptions options,
    RepairMetrics metrics,
    TimeProvider time,
    ILogger<RepairService> logger)
{
    /// <summary>The pass's name in the scan state store (scope: the whole store).</summary>
    public const string PassName = "repair";

    private const string SummaryKey = "pass";
    private const string LastPassKey = "last";
    private const string DamageKey = "damageSince";
    private const string NumberKey = "number";
    private const string OrphanPhase = "orphans";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly IShardMaintenance _shards = dataPlane.Shards;
    private readonly IObjectDataStore _data = dataPlane.Data;
    private readonly IScanStateStore _scans = work.Scans;
    private readonly RepairHealQueue _healQueue = work.HealQueue;
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private Task? _initialized;

    /// <summary>Runs one pass (bounded by <see cref="RepairOptions.MaxPassDuration"/>); a pass already running in this process is waited for.</summary>
    public async Task<RepairPassOutcome> RunPassAsync(CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        var started = time.GetTimestamp();
        try
        {
            var healed = await DrainHealQueueAsync(cancellationToken).ConfigureAwait(false);
            var held = await _scans.TryAcquireAsync(PassName, ScanState.WholeStore, _owner, options.LeaseDuration, cancellationToken).ConfigureAwait(false);
            if (held is null)
            {
                LogLeaseBusy();
                return new RepairPassOutcome(false, false, await GetReportAsync(cancellationToken).ConfigureAwait(false));
            }
            var run = new PassRun(_scans, options, time, held, started);
            foreach (var result in healed)
                run.Summary.AddHeal(result);
            var status = await RunAsync(run, cancellationToken).ConfigureAwait(false);
            metrics.PassRan(time.GetElapsedTime(started));
            LogPassEnded(status, run.Summary.Number, run.Summary.Checked.Objects, run.Summary.ShardsRepaired, run.Summary.CorruptBlocks,
                run.Summary.OrphansRemoved, run.Summary.Unrepaired, time.GetElapsedTime(started).TotalMilliseconds);
            return new RepairPassOutcome(true, status == PassStatus.Finished, await GetReportAsync(cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>The health report, from the scan state store (any instance's passes).</summary>
    public async Task<RepairReport> GetReportAsync(CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var state = await _scans.GetAsync(PassName, ScanState.WholeStore, cancellationToken).ConfigureAwait(false);
        if (state is null)
            return new RepairReport(null, null, null, null, null);
        return new RepairReport(
            state.LastCompletedAt,
            state.Data.TryGetValue(DamageKey, out var damage) ? DateTimeOffset.Parse(damage, System.Globalization.CultureInfo.InvariantCulture) : null,
            ReadSummary(state.Data, LastPassKey),
            state.Cursor is null ? null : ReadSummary(state.Data, SummaryKey),
            state.Cursor)
        {
            PendingDeletions = state.Data.TryGetValue(PendingDeletionsKey, out var pending) ? JsonSerializer.Deserialize<PendingDeletions>(pending, Json) : null,
        };
    }

    private async Task<PassStatus> RunAsync(PassRun run, CancellationToken cancellationToken)
    {
        if (!await CollectDataDeletionsAsync(run, cancellationToken).ConfigureAwait(false))
            return PassStatus.LeaseLost;
        var status = PassStatus.Finished;
        if (run.Cursor != OrphanPhase)
        {
            status = await WalkAsync(run, cancellationToken).ConfigureAwait(false);
            if (status == PassStatus.Finished && !await run.CheckpointAsync(OrphanPhase, cancellationToken).ConfigureAwait(false))
                status = PassStatus.LeaseLost;
            else if (status == PassStatus.Finished && run.OutOfTime)
                status = PassStatus.OutOfTime; // the orphan phase runs first thing next time
        }
        if (status == PassStatus.Finished)
            await CollectOrphansAsync(run, cancellationToken).ConfigureAwait(false);
        if (status != PassStatus.LeaseLost)
            await run.ReleaseAsync(status == PassStatus.Finished, cancellationToken).ConfigureAwait(false);
        return status;
    }

    private Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        // Idempotent creation of the scan table and the heal queue, once per process.
        var task = _initialized;
        if (task is null || task.IsFaulted || task.IsCanceled)
            _initialized = task = Task.WhenAll(_scans.InitializeAsync(cancellationToken), _healQueue.EnsureCreatedAsync());
        return task;
    }

    private static RepairPassSummary? ReadSummary(IReadOnlyDictionary<string, string> data, string key) =>
        data.TryGetValue(key, out var json) ? JsonSerializer.Deserialize<RepairPassSummary>(json, Json) : null;

    private enum PassStatus { Finished, OutOfTime, LeaseLost }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information,
        Message = "Repair pass {Number} {Status}: {Checked} pieces of data checked, {Repaired} shards rebuilt, {CorruptBlocks} corrupt blocks, {Orphans} orphans removed, {Unrepaired} still damaged, {ElapsedMs:F0} ms")]
    private partial void LogPassEnded(PassStatus status, long number, long @checked, long repaired, long corruptBlocks, long orphans, long unrepaired, double elapsedMs);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Repair pass skipped: another instance holds the lease")]
    private partial void LogLeaseBusy();
}
