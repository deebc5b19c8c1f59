using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ObjectStore.Background;

/// <summary>
/// The local host's stand-in for a timer trigger: runs a pass on a cron schedule, one at a time,
/// logging (not propagating) a failed pass so the next occurrence still runs.
/// </summary>
public sealed partial class ScheduledPassRunner(
    string name,
    CronSchedule schedule,
    Func<CancellationToken, Task> runPassAsync,
    TimeProvider time,
    ILogger<ScheduledPassRunner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogScheduled(name, schedule.Text);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = schedule.NextAfter(now);
            if (next is null)
                return;
            try
            {
                await Task.Delay(next.Value - now, time, stoppingToken).ConfigureAwait(false);
                await runPassAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogPassFailed(e, name);
            }
        }
    }

    [LoggerMessage(EventId = 5401, Level = LogLevel.Information, Message = "{Name} pass scheduled on '{Schedule}'")]
    private partial void LogScheduled(string name, string schedule);

    [LoggerMessage(EventId = 5402, Level = LogLevel.Error, Message = "{Name} pass failed")]
    private partial void LogPassFailed(Exception e, string name);
}
