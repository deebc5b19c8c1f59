using Microsoft.Azure.Functions.Worker;
using ObjectStore.Background;

namespace ObjectStore.Functions.Notify;

/// <summary>
/// Delivers one event message from the events queue. A throw leaves the message to the host's
/// retries; after maxDequeueCount (host.json) the host moves it to the poison queue.
/// </summary>
internal sealed class NotifyFunction(NotificationDispatcher dispatcher)
{
    public const string Name = "Notify";

    [Function(Name)]
    public Task RunAsync(
        [QueueTrigger(BackgroundSchedules.EventsQueueName, Connection = BackgroundSchedules.StorageConnectionSetting)] string message,
        long dequeueCount,
        CancellationToken cancellationToken) =>
        dispatcher.DispatchAsync(message, dequeueCount, cancellationToken);
}
