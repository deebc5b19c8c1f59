using Microsoft.Extensions.Time.Testing;
using ObjectStore.Queues;
using ObjectStore.Testing;

namespace ObjectStore.Background.Tests.Queues;

/// <summary>The queue contract against the in-memory queue, on a fake clock.</summary>
public sealed class InMemoryMessageQueueContractTests : MessageQueueContractTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

    public InMemoryMessageQueueContractTests() => Queues = new InMemoryMessageQueues(_clock);

    protected override IMessageQueues Queues { get; }

    protected override Task AdvanceAsync(TimeSpan duration)
    {
        _clock.Advance(duration);
        return Task.CompletedTask;
    }
}
