using ObjectStore.Index.Events;

namespace ObjectStore.Index;

/// <summary>
/// The event outbox: rows ("e") written by <see cref="PutObjectAsync"/>, <see cref="DeleteObjectAsync"/>
/// and <see cref="UpdateTagsAsync"/> in the same transaction as the change they describe, read back
/// and deleted by the relay once their messages are on the events queue.
/// </summary>
public partial interface IObjectIndex
{
    /// <summary>
    /// Outbox rows of a bucket recorded before <paramref name="recordedBefore"/>, oldest first, at most
    /// <paramref name="max"/>, skipping rows another instance has claimed until after <paramref name="now"/>.
    /// </summary>
    Task<IReadOnlyList<OutboxEvent>> ListOutboxAsync(string bucket, DateTimeOffset recordedBefore, DateTimeOffset now, int max, CancellationToken cancellationToken);

    /// <summary>Claims a row until <paramref name="until"/> if it is unchanged since read; null when another instance got it (or it is gone).</summary>
    Task<OutboxEvent?> ClaimOutboxAsync(OutboxEvent outboxEvent, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Deletes outbox rows (already gone is fine).</summary>
    Task DeleteOutboxAsync(IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken);
}
