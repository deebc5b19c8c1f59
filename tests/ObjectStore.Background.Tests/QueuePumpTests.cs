using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ObjectStore.Testing;

namespace ObjectStore.Background.Tests;

/// <summary>The local host's queue trigger: delete on success, retry soon on failure, poison after MaxDequeueCount, as the Functions host does.</summary>
public sealed class QueuePumpTests
{
    private const string Name = "work";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryMessageQueues _queues;
    private readonly ConcurrentQueue<(string Text, long DequeueCount)> _calls = new();

    public QueuePumpTests()
    {
        _queues = new InMemoryMessageQueues(_clock);
        _queues.Queue(Name).CreateIfNotExistsAsync(CancellationToken.None).GetAwaiter().GetResult();
        _queues.Queue(Name + "-poison").CreateIfNotExistsAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    private QueuePump Pump(Func<string, Task> handle) =>
        new(Name, async (text, dequeueCount, _) => { _calls.Enqueue((text, dequeueCount)); await handle(text); }, _queues, _clock, NullLogger<QueuePump>.Instance);

    [Fact]
    public async Task A_handled_message_is_deleted_and_handed_over_with_its_dequeue_count()
    {
        await _queues.Queue(Name).SendAsync("job", TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(1, await Pump(_ => Task.CompletedTask).PumpOnceAsync(CancellationToken.None));

        Assert.Equal(("job", 1L), Assert.Single(_calls));
        Assert.Empty(_queues.Queue(Name).Messages);
    }

    [Fact]
    public async Task A_batch_of_messages_is_handled_in_one_round()
    {
        for (var i = 0; i < 5; i++)
            await _queues.Queue(Name).SendAsync($"job{i}", TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(5, await Pump(_ => Task.CompletedTask).PumpOnceAsync(CancellationToken.None));

        Assert.Equal(5, _calls.Count);
        Assert.Empty(_queues.Queue(Name).Messages);
    }

    [Fact]
    public async Task A_failing_message_is_retried_a_second_later_then_moved_to_the_poison_queue_after_MaxDequeueCount_attempts()
    {
        await _queues.Queue(Name).SendAsync("bad", TimeSpan.Zero, CancellationToken.None);
        var pump = Pump(_ => throw new InvalidOperationException("handler failed"));

        for (var attempt = 1; attempt <= BackgroundSchedules.MaxDequeueCount; attempt++)
        {
            Assert.Equal(1, await pump.PumpOnceAsync(CancellationToken.None));
            Assert.Equal(0, await pump.PumpOnceAsync(CancellationToken.None)); // hidden until the retry delay passed
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(Enumerable.Range(1, BackgroundSchedules.MaxDequeueCount).Select(i => (long)i), _calls.Select(c => c.DequeueCount));
        Assert.Empty(_queues.Queue(Name).Messages);
        var poisoned = Assert.Single(_queues.Queue(Name + "-poison").Messages);
        Assert.Equal(("bad", 0L), (poisoned.Text, poisoned.DequeueCount));
    }

    [Fact]
    public async Task A_message_that_succeeds_on_a_retry_never_reaches_the_poison_queue()
    {
        await _queues.Queue(Name).SendAsync("flaky", TimeSpan.Zero, CancellationToken.None);
        var failures = 2;
        var pump = Pump(_ => Interlocked.Decrement(ref failures) >= 0 ? throw new InvalidOperationException("not yet") : Task.CompletedTask);

        for (var i = 0; i < 3; i++)
        {
            await pump.PumpOnceAsync(CancellationToken.None);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(3, _calls.Count);
        Assert.Empty(_queues.Queue(Name).Messages);
        Assert.Empty(_queues.Queue(Name + "-poison").Messages);
    }
}
