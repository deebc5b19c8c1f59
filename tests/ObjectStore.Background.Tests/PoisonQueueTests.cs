using Microsoft.Extensions.Time.Testing;
using ObjectStore.Background.Notifications;
using ObjectStore.Testing;

namespace ObjectStore.Background.Tests;

/// <summary>The operator's poison queue: listing leaves messages in place, replay moves them back with a fresh attempt count.</summary>
public sealed class PoisonQueueTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryMessageQueues _queues;
    private readonly EventQueues _names = new("events");
    private readonly PoisonQueue _poison;

    public PoisonQueueTests()
    {
        _queues = new InMemoryMessageQueues(_clock);
        _queues.Queue(_names.Events).CreateIfNotExistsAsync(CancellationToken.None).GetAwaiter().GetResult();
        _poison = new PoisonQueue(_queues, _names);
    }

    private async Task PoisonAsync(string eventId)
    {
        var poison = _queues.Queue(_names.Poison);
        await poison.CreateIfNotExistsAsync(CancellationToken.None);
        var message = new EventMessage(eventId, EventDestinations.WebhookArn("hook"), "{}") { Attempts = 8, LastError = "answered 500", Bucket = "b", Key = eventId };
        await poison.SendAsync(message.ToJson(), TimeSpan.Zero, CancellationToken.None);
    }

    [Fact]
    public async Task Listing_shows_each_poisoned_event_with_its_attempts_and_last_error_and_leaves_it_there()
    {
        await PoisonAsync("e1");
        await _queues.Queue(_names.Poison).SendAsync("garbage", TimeSpan.Zero, CancellationToken.None);

        var listed = await _poison.ListAsync(CancellationToken.None);

        Assert.Equal([("e1", 8, "answered 500"), (null, 0, "not an event message")], listed.Select(p => (p.EventId, p.Attempts, p.LastError)));
        Assert.Equal(2, (await _poison.ListAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Replaying_one_event_moves_only_it_back_with_a_fresh_attempt_count_and_the_rest_stays_listable()
    {
        await PoisonAsync("e1");
        await PoisonAsync("e2");

        Assert.Equal(1, await _poison.ReplayAsync("e2", CancellationToken.None));

        var replayed = EventMessage.TryParse(Assert.Single(_queues.Queue(_names.Events).Messages).Text)!;
        Assert.Equal(("e2", 0, null), (replayed.EventId, replayed.Attempts, replayed.LastError));
        Assert.Equal("e1", Assert.Single(await _poison.ListAsync(CancellationToken.None)).EventId); // visible again at once
    }

    [Fact]
    public async Task Replaying_all_empties_the_poison_queue_onto_the_events_queue()
    {
        await PoisonAsync("e1");
        await PoisonAsync("e2");

        Assert.Equal(2, await _poison.ReplayAsync(null, CancellationToken.None));

        Assert.Empty(_queues.Queue(_names.Poison).Messages);
        Assert.Equal(["e1", "e2"], _queues.Queue(_names.Events).Messages.Select(m => EventMessage.TryParse(m.Text)!.EventId).Order(StringComparer.Ordinal));
    }
}
