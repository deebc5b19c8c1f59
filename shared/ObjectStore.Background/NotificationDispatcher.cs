using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ObjectStore.Background;

/// <summary>
/// Delivers one message of the events queue. The Notify function's queue trigger and the local
/// host's <see cref="EventQueuePump"/> both call it; throwing makes the message visible again, and
/// after <see cref="BackgroundSchedules.MaxDequeueCount"/> attempts it moves to the poison queue.
/// Destinations (webhooks, queues) land with the notifications issue; today a message is
/// validated as JSON and logged.
/// </summary>
public sealed partial class NotificationDispatcher(ILogger<NotificationDispatcher> logger)
{
    public Task DispatchAsync(string messageText, long dequeueCount, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            using var document = JsonDocument.Parse(messageText);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("An events-queue message is not JSON.", e);
        }
        LogDispatched(messageText.Length, dequeueCount);
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Event message of {Length} characters dispatched (attempt {DequeueCount})")]
    private partial void LogDispatched(int length, long dequeueCount);
}
