using Microsoft.Extensions.Logging;
using ObjectStore.Index;
using ObjectStore.Index.Events;
using ObjectStore.Queues;

namespace ObjectStore.Background.Notifications;

/// <summary>
/// Moves committed outbox rows onto the events queue: one message per (event, configuration), then
/// deletes the row. The fast path runs right after the commit, in the request; the sweep
/// (<see cref="SweepAsync"/>, on a schedule) moves rows a crash or a failed fast path left behind,
/// in bounded batches, claiming each row first so several instances do not move the same row twice.
/// Either way a row is deleted only after its messages are on the queue: a crash in between sends
/// them again (at least once; subscribers drop duplicates by event id).
/// </summary>
public sealed partial class OutboxRelay(
    IObjectIndex index,
    IMessageQueues queues,
    EventQueues names,
    EventDestinations destinations,
    NotificationOptions options,
    TimeProvider time,
    ILogger<OutboxRelay> logger) : IEventPublisher
{
    private readonly IMessageQueue _events = queues.Get(names.Events);

    public bool IsKnownDestination(string arn) => destinations.Find(arn) is not null;

    public async Task PublishCommittedAsync(IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (!options.FastPath || events.Count == 0)
            return;
        foreach (var e in events)
            await EnqueueAsync(e, cancellationToken).ConfigureAwait(false);
        await index.DeleteOutboxAsync(events, cancellationToken).ConfigureAwait(false);
    }

    public async Task PublishTestEventAsync(string bucket, IReadOnlyCollection<string> destinationArns, string requestId, string hostId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destinationArns);
        var now = time.GetUtcNow();
        var body = S3EventDocument.CreateTestEvent(bucket, now, requestId, hostId);
        var eventId = "test-" + Guid.CreateVersion7(now).ToString("N");
        foreach (var arn in destinationArns)
        {
            var message = new EventMessage(eventId, arn, body) { Bucket = bucket, EventName = EventNames.TestEvent, EventTime = now };
            await _events.SendAsync(message.ToJson(), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One message per target of the row, each with its stable event id.</summary>
    private async Task EnqueueAsync(OutboxEvent e, CancellationToken cancellationToken)
    {
        for (var i = 0; i < e.Targets.Count; i++)
        {
            var target = e.Targets[i];
            var eventId = e.Targets.Count == 1 ? e.EventId : $"{e.EventId}.{i}";
            var message = new EventMessage(eventId, target.DestinationArn, S3EventDocument.Create(e, target, eventId))
            {
                Bucket = e.Bucket,
                Key = e.Key,
                EventName = e.EventName,
                EventTime = e.EventTime,
            };
            await _events.SendAsync(message.ToJson(), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One sweep pass: outbox rows older than the fast path's grace period, in every bucket, at most
    /// <see cref="NotificationOptions.SweepBatchSize"/> of them. Returns how many rows it moved.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var before = now - TimeSpan.FromSeconds(options.SweepMinAgeSeconds);
        var claimUntil = now + TimeSpan.FromSeconds(options.SweepClaimSeconds);
        var moved = 0;
        await foreach (var bucket in index.ListBucketsAsync(cancellationToken).ConfigureAwait(false))
        {
            var budget = options.SweepBatchSize - moved;
            if (budget <= 0)
                break;
            var rows = await index.ListOutboxAsync(bucket.Name, before, now, budget, cancellationToken).ConfigureAwait(false);
            foreach (var row in rows)
            {
                if (await index.ClaimOutboxAsync(row, claimUntil, cancellationToken).ConfigureAwait(false) is not { } claimed)
                    continue; // another instance has it, or the fast path finished it
                await EnqueueAsync(claimed, cancellationToken).ConfigureAwait(false);
                await index.DeleteOutboxAsync([claimed], cancellationToken).ConfigureAwait(false);
                moved++;
            }
        }
        if (moved > 0)
            LogSwept(moved);
        return moved;
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "Outbox sweep moved {Count} events to the events queue")]
    private partial void LogSwept(int count);
}
