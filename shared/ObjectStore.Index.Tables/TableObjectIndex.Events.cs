using Azure.Data.Tables;
using ObjectStore.Index.Events;

namespace ObjectStore.Index.Tables;

/// <summary>The event outbox: <see cref="TableOutbox"/> (the object writes add its rows to their transactions).</summary>
public sealed partial class TableObjectIndex
{
    public Task<IReadOnlyList<OutboxEvent>> ListOutboxAsync(string bucket, DateTimeOffset recordedBefore, DateTimeOffset now, int max, CancellationToken cancellationToken) =>
        _outbox.ListOutboxAsync(bucket, recordedBefore, now, max, cancellationToken);

    public Task<OutboxEvent?> ClaimOutboxAsync(OutboxEvent outboxEvent, DateTimeOffset until, CancellationToken cancellationToken) =>
        _outbox.ClaimOutboxAsync(outboxEvent, until, cancellationToken);

    public Task DeleteOutboxAsync(IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken) =>
        _outbox.DeleteOutboxAsync(events, cancellationToken);

    private List<OutboxEvent> AddOutboxRows(List<TableTransactionAction> actions, IReadOnlyList<ObjectEvent>? events, string bucket, string key,
        ObjectRecord? subject, string? versionId, long ticks) =>
        _outbox.AddOutboxRows(actions, events, bucket, key, subject, versionId, ticks);

    private long SequencerTicks(TableEntity? current) => _outbox.SequencerTicks(current);
}
