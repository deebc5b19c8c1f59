using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ObjectStore.Queues;
using ObjectStore.Storage;

namespace ObjectStore.Background;

/// <summary>
/// Heal on read: told by the data plane about every bad shard a read met, it queues that data's
/// layout on the durable heal queue (<see cref="RepairOptions.HealQueueName"/>), which the next repair pass drains before its
/// walk. Quick and non-throwing on the read path: the send runs in the background, and a data id
/// queued in the last minute is not queued again (a hot damaged object is read many times).
/// The layout alone suffices: repair works per piece of data and never needs the key.
/// </summary>
public sealed partial class RepairHealQueue(IMessageQueues queues, RepairOptions options, TimeProvider time, ILogger<RepairHealQueue> logger)
    : IDegradedReadObserver
{

    private static readonly TimeSpan Dedupe = TimeSpan.FromMinutes(1);
    private const int MaxRemembered = 10_000;

    private readonly ConcurrentDictionary<string, long> _recent = new(StringComparer.Ordinal);
    private int _pending;
    private Task? _created;

    internal IMessageQueue Queue { get; } = queues.Get(options.HealQueueName);

    /// <summary>Sends still in flight (tests wait for zero before running a pass).</summary>
    public int PendingSends => Volatile.Read(ref _pending);

    public void OnBadShard(BadShardReport report)
    {
        var dataId = report.Layout.DataId;
        var now = time.GetTimestamp();
        if (_recent.TryGetValue(dataId, out var at) && time.GetElapsedTime(at, now) < Dedupe)
            return;
        _recent[dataId] = now;
        if (_recent.Count > MaxRemembered)
            foreach (var (id, when) in _recent)
                if (time.GetElapsedTime(when, now) >= Dedupe)
                    _recent.TryRemove(id, out _);
        Interlocked.Increment(ref _pending);
        _ = SendAsync(report);
    }

    /// <summary>Creates the queue once per process (idempotent; retried after a failure).</summary>
    internal Task EnsureCreatedAsync()
    {
        var task = _created;
        if (task is null || task.IsFaulted || task.IsCanceled)
            _created = task = Queue.CreateIfNotExistsAsync(CancellationToken.None);
        return task;
    }

    private async Task SendAsync(BadShardReport report)
    {
        try
        {
            await Task.Yield(); // off the read path
            await EnsureCreatedAsync().ConfigureAwait(false);
            await Queue.SendAsync(report.Layout.Serialize(), TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
            LogQueued(report.Layout.DataId, report.ShardIndex, report.Problem);
        }
        catch (Exception e)
        {
            _recent.TryRemove(report.Layout.DataId, out _);
            LogNotQueued(e, report.Layout.DataId);
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
    }

    [LoggerMessage(EventId = 4030, Level = LogLevel.Information, Message = "Queued data {DataId} for repair (read found shard {ShardIndex} {Problem})")]
    private partial void LogQueued(string dataId, int shardIndex, ShardProblem problem);

    [LoggerMessage(EventId = 4031, Level = LogLevel.Warning, Message = "Could not queue data {DataId} for repair; the next full pass finds it")]
    private partial void LogNotQueued(Exception e, string dataId);
}
