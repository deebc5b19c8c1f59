using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ObjectStore.Background.Notifications;
using ObjectStore.Testing;

namespace ObjectStore.Background.Tests;

/// <summary>Delivery, retry with backoff through the queue's visibility, and poisoning, on in-memory queues.</summary>
public sealed class NotificationDispatcherTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryMessageQueues _queues;
    private readonly EventQueues _names = new("events");
    private readonly NotificationOptions _options = new() { MaxAttempts = 3, BackoffBaseSeconds = 5, BackoffMaxSeconds = 600 };

    public NotificationDispatcherTests()
    {
        _queues = new InMemoryMessageQueues(_clock);
        _queues.Queue(_names.Events).CreateIfNotExistsAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    private NotificationDispatcher Dispatcher(params EventDestination[] destinations) =>
        new(_queues, _names, new EventDestinations(destinations), _options, _clock, new NotificationMetrics(), NullLogger<NotificationDispatcher>.Instance);

    private static EventMessage Message(string destination, int attempts = 0) =>
        new("event-1", EventDestinations.WebhookArn(destination), "{\"Records\":[]}") { Attempts = attempts, Bucket = "b", Key = "k" };

    [Fact]
    public async Task A_delivered_event_leaves_nothing_on_the_events_or_poison_queue()
    {
        var hook = new TestDestination("hook");

        await Dispatcher(hook).DispatchAsync(Message("hook").ToJson(), 1, CancellationToken.None);

        Assert.Equal("event-1", Assert.Single(hook.Delivered).EventId);
        Assert.Empty(_queues.Queue(_names.Events).Messages);
        Assert.False(_queues.Queue(_names.Poison).Exists);
    }

    [Fact]
    public async Task A_failed_delivery_goes_back_on_the_events_queue_invisible_for_the_backoff_with_its_attempt_and_error()
    {
        var hook = new TestDestination("hook", failures: 1);

        await Dispatcher(hook).DispatchAsync(Message("hook").ToJson(), 1, CancellationToken.None);

        var events = _queues.Queue(_names.Events);
        var retry = EventMessage.TryParse(Assert.Single(events.Messages).Text)!;
        Assert.Equal((1, "Destination 'hook' is down."), (retry.Attempts, retry.LastError));
        _clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Empty(await events.ReceiveAsync(32, Long, CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Single(await events.ReceiveAsync(32, Long, CancellationToken.None));
    }

    [Fact]
    public async Task Each_further_failure_doubles_the_wait_before_the_next_attempt()
    {
        var hook = new TestDestination("hook", failures: 2);
        var dispatcher = Dispatcher(hook);
        var events = _queues.Queue(_names.Events);

        await dispatcher.DispatchAsync(Message("hook").ToJson(), 1, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(5));
        var first = Assert.Single(await events.ReceiveAsync(1, Long, CancellationToken.None));
        await events.DeleteAsync(first, CancellationToken.None);
        await dispatcher.DispatchAsync(first.Text, first.DequeueCount, CancellationToken.None);

        _clock.Advance(TimeSpan.FromSeconds(9.9));
        Assert.Empty(await events.ReceiveAsync(1, Long, CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        var second = Assert.Single(await events.ReceiveAsync(1, Long, CancellationToken.None));
        await dispatcher.DispatchAsync(second.Text, second.DequeueCount, CancellationToken.None);

        Assert.Equal(3, hook.Attempts);
        Assert.Single(hook.Delivered);
    }

    [Fact]
    public async Task The_last_allowed_failure_moves_the_event_to_the_poison_queue_with_the_error()
    {
        var hook = new TestDestination("hook", failures: int.MaxValue);

        await Dispatcher(hook).DispatchAsync(Message("hook", attempts: 2).ToJson(), 1, CancellationToken.None);

        Assert.Empty(_queues.Queue(_names.Events).Messages);
        var poisoned = EventMessage.TryParse(Assert.Single(_queues.Queue("events-poison").Messages).Text)!;
        Assert.Equal(("event-1", 3, "Destination 'hook' is down."), (poisoned.EventId, poisoned.Attempts, poisoned.LastError));
    }

    [Fact]
    public async Task An_event_for_a_destination_no_longer_defined_goes_straight_to_the_poison_queue()
    {
        await Dispatcher(new TestDestination("hook")).DispatchAsync(Message("removed").ToJson(), 1, CancellationToken.None);

        var poisoned = EventMessage.TryParse(Assert.Single(_queues.Queue(_names.Poison).Messages).Text)!;
        Assert.Equal((1, "No destination with this ARN is defined."), (poisoned.Attempts, poisoned.LastError));
        Assert.Empty(_queues.Queue(_names.Events).Messages);
    }

    [Fact]
    public async Task A_message_that_is_not_an_event_is_thrown_back_to_the_host_for_its_own_poison_handling()
    {
        await Assert.ThrowsAsync<InvalidDataException>(() => Dispatcher(new TestDestination("hook")).DispatchAsync("not json", 1, CancellationToken.None));
        Assert.Empty(_queues.Queue(_names.Events).Messages);
    }
}
