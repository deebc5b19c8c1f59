using Microsoft.Extensions.Logging;
using ObjectStore.Storage;

namespace ObjectStore.Background;

public sealed partial class RepairService
{
    private static readonly TimeSpan HealVisibilityTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Handles the heal-on-read requests first: each names a layout a reader found damaged, which
    /// gets a full check and repair now. A request that fails stays queued (visible again after the
    /// timeout) until <see cref="BackgroundSchedules.MaxDequeueCount"/> attempts, then is dropped:
    /// the walk still reaches that data.
    /// </summary>
    private async Task<List<DataCheckResult>> DrainHealQueueAsync(CancellationToken cancellationToken)
    {
        var results = new List<DataCheckResult>();
        var queue = _healQueue.Queue;
        var handled = 0;
        while (handled < options.MaxHealRequestsPerPass)
        {
            var batch = await queue.ReceiveAsync(Math.Min(32, options.MaxHealRequestsPerPass - handled), HealVisibilityTimeout, cancellationToken)
                .ConfigureAwait(false);
            if (batch.Count == 0)
                break;
            foreach (var message in batch)
            {
                handled++;
                try
                {
                    var layout = DataLayout.Parse(message.Text);
                    var result = await _shards.VerifyAndRepairAsync(layout, DataCheckMode.Full, cancellationToken).ConfigureAwait(false);
                    metrics.HealRequest();
                    metrics.Checked(result);
                    results.Add(result);
                    LogHealed(layout.DataId, result.Repaired, result.Health);
                }
                catch (FormatException e)
                {
                    LogHealFailed(e, message.MessageId);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogHealFailed(e, message.MessageId);
                    if (message.DequeueCount < BackgroundSchedules.MaxDequeueCount)
                        continue;
                }
                await queue.DeleteAsync(message, cancellationToken).ConfigureAwait(false);
            }
        }
        return results;
    }

    [LoggerMessage(EventId = 4020, Level = LogLevel.Information, Message = "Heal-on-read request for data {DataId}: {Shards} shards rebuilt, now {Health}")]
    private partial void LogHealed(string dataId, int shards, DataHealth health);

    [LoggerMessage(EventId = 4021, Level = LogLevel.Warning, Message = "Heal-on-read request {MessageId} failed")]
    private partial void LogHealFailed(Exception e, string messageId);
}
