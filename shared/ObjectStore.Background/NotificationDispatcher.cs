using Microsoft.Extensions.Logging;
using ObjectStore.Background.Notifications;
using ObjectStore.Queues;

namespace ObjectStore.Background;

/// <summary>
/// Delivers one message of the events queue to its destination. The Notify function's queue trigger
/// and the local host's <see cref="QueuePump"/> both call it. A failed or timed-out delivery is
/// not thrown back to the host: the message goes back onto the events queue invisible for an
/// exponentially growing delay (the queue's visibility timeout is the backoff), with its attempt
/// count, and after <see cref="NotificationOptions.MaxAttempts"/> attempts to the poison queue.
/// Only when even that fails does it throw, and the host's own retries and poison handling
/// (maxDequeueCount) take over, so a message is never dropped.
/// </summary>
public sealed partial class NotificationDispatcher(
    IMessageQueues queues,
    EventQueues names,
    EventDestinations destinations,
    NotificationOptions options,
    TimeProvider time,
    NotificationMetrics metrics,
    ILogger<NotificationDispatcher> logger)
{
    private readonly IMessageQueue _events = queues.Get(names.Events);
    private readonly IMessageQueue _poison = queues.Get(names.Poison);

    public async Task DispatchAsync(string messageText, long dequeueCount, CancellationToken cancellationToken)
    {
        var message = EventMessage.TryParse(messageText) ?? throw new InvalidDataException("An events-queue message is not an event message.");
        var destination = destinations.Find(message.Destination);
        if (destination is null)
        {
            metrics.Poisoned("(unknown)");
            await PoisonAsync(message with { Attempts = message.Attempts + 1, LastError = "No destination with this ARN is defined." }, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await destination.DeliverAsync(message, cancellationToken).ConfigureAwait(false);
            metrics.Delivered(destination.Name, time.GetUtcNow() - message.EventTime);
            LogDelivered(message.EventId, destination.Name, message.Attempts + 1,
                message.EventTime is { } t ? (time.GetUtcNow() - t).TotalMilliseconds : 0);
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var failed = message with { Attempts = message.Attempts + 1, LastError = e.Message };
            metrics.Failed(destination.Name);
            if (failed.Attempts >= options.MaxAttempts)
            {
                LogGaveUp(message.EventId, destination.Name, failed.Attempts, e.Message);
                metrics.Poisoned(destination.Name);
                await PoisonAsync(failed, cancellationToken).ConfigureAwait(false);
                return;
            }
            var delay = options.Backoff(failed.Attempts);
            LogRetrying(message.EventId, destination.Name, failed.Attempts, delay.TotalSeconds, e.Message);
            await _events.SendAsync(failed.ToJson(), delay, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PoisonAsync(EventMessage message, CancellationToken cancellationToken)
    {
        await _poison.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        await _poison.SendAsync(message.ToJson(), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "Event {EventId} delivered to {Destination} (attempt {Attempt}, {LatencyMs:F0} ms after commit)")]
    private partial void LogDelivered(string eventId, string destination, int attempt, double latencyMs);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Event {EventId} to {Destination} failed (attempt {Attempt}); retrying in {DelaySeconds:F1} s: {Error}")]
    private partial void LogRetrying(string eventId, string destination, int attempt, double delaySeconds, string error);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "Event {EventId} to {Destination} failed {Attempt} times and moved to the poison queue: {Error}")]
    private partial void LogGaveUp(string eventId, string destination, int attempt, string error);
}
