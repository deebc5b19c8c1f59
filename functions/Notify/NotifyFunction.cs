using Microsoft.Azure.Functions.Worker;
using ObjectStore.Background;
using ObjectStore.Background.Notifications;

namespace ObjectStore.Functions.Notify;

/// <summary>
/// Delivers one event message from the events queue (named by the OBJECTSTORE_EVENTS_QUEUE setting).
/// The dispatcher schedules its own retries with backoff and poisons after the configured attempts;
/// a throw leaves the message to the host's retries, and after maxDequeueCount (host.json) the host
/// moves it to the poison queue.
/// </summary>
internal sealed class NotifyFunction(NotificationDispatcher dispatcher)
{
    public const string Name = "Notify";

    [Function(Name)]
    public Task RunAsync(
        [QueueTrigger("%" + BackgroundSchedules.EventsQueueSetting + "%", Connection = BackgroundSchedules.StorageConnectionSetting)] string message,
        long dequeueCount,
        CancellationToken cancellationToken) =>
        dispatcher.DispatchAsync(message, dequeueCount, cancellationToken);
}

/// <summary>Moves outbox rows a crash left behind onto the events queue, on the OBJECTSTORE_OUTBOX_SWEEP_SCHEDULE cron.</summary>
internal sealed class OutboxSweepFunction(OutboxRelay relay)
{
    public const string Name = "OutboxSweep";

    [Function(Name)]
    public Task RunAsync(
        [TimerTrigger("%" + BackgroundSchedules.OutboxSweepScheduleSetting + "%")] TimerInfo timer,
        CancellationToken cancellationToken) =>
        relay.SweepAsync(cancellationToken);
}
