using ObjectStore.Index;
using ObjectStore.Index.Events;

namespace ObjectStore.Testing.Fakes;

/// <summary>The fake records no outbox rows: handler tests do not deliver events.</summary>
public sealed partial class InMemoryIndex
{
    public Task<IReadOnlyList<OutboxEvent>> ListOutboxAsync(string bucket, DateTimeOffset recordedBefore, DateTimeOffset now, int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<OutboxEvent>>([]);

    public Task<OutboxEvent?> ClaimOutboxAsync(OutboxEvent outboxEvent, DateTimeOffset until, CancellationToken cancellationToken) =>
        Task.FromResult<OutboxEvent?>(null);

    public Task DeleteOutboxAsync(IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken) => Task.CompletedTask;
}
