using ObjectStore.Queues;

namespace ObjectStore.Background.Notifications;

/// <summary>A poisoned message as operators see it.</summary>
public sealed record PoisonedEvent(string MessageId, string? EventId, string? Destination, string? Bucket, string? Key, string? EventName,
    int Attempts, string? LastError, DateTimeOffset? PoisonedAt);

/// <summary>
/// The operator's view of "&lt;events&gt;-poison": list what gave up, and replay it (all, or one event id)
/// onto the events queue with a fresh attempt count, once the destination is fixed.
/// </summary>
public sealed class PoisonQueue(IMessageQueues queues, EventQueues names)
{
    private const int PeekMax = 32;

    public async Task<IReadOnlyList<PoisonedEvent>> ListAsync(CancellationToken cancellationToken)
    {
        var poison = queues.Get(names.Poison);
        await poison.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        var peeked = await poison.PeekAsync(PeekMax, cancellationToken).ConfigureAwait(false);
        return peeked.Select(p => Describe(p.MessageId, p.Text, p.InsertedOn)).ToList();
    }

    /// <summary>Moves poisoned messages (those of <paramref name="eventId"/>, or all) back to the events queue; returns how many.</summary>
    public async Task<int> ReplayAsync(string? eventId, CancellationToken cancellationToken)
    {
        var poison = queues.Get(names.Poison);
        var events = queues.Get(names.Events);
        await poison.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        var replayed = 0;
        var skipped = new List<ReceivedMessage>();
        try
        {
            while (true)
            {
                var batch = await poison.ReceiveAsync(PeekMax, TimeSpan.FromMinutes(1), cancellationToken).ConfigureAwait(false);
                if (batch.Count == 0)
                    break;
                foreach (var m in batch)
                {
                    var message = EventMessage.TryParse(m.Text);
                    if (eventId is not null && message?.EventId != eventId)
                    {
                        skipped.Add(m);
                        continue;
                    }
                    var again = message is null ? m.Text : (message with { Attempts = 0, LastError = null }).ToJson();
                    await events.SendAsync(again, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                    await poison.DeleteAsync(m, cancellationToken).ConfigureAwait(false);
                    replayed++;
                }
            }
        }
        finally
        {
            // What was not asked for becomes visible again at once.
            foreach (var m in skipped)
                await poison.UpdateVisibilityAsync(m, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
        }
        return replayed;
    }

    private static PoisonedEvent Describe(string messageId, string text, DateTimeOffset? insertedOn)
    {
        var m = EventMessage.TryParse(text);
        return new PoisonedEvent(messageId, m?.EventId, m?.Destination, m?.Bucket, m?.Key, m?.EventName, m?.Attempts ?? 0,
            m is null ? "not an event message" : m.LastError, insertedOn);
    }
}
