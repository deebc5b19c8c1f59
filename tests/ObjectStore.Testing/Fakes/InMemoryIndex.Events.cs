using System.Globalization;
using System.Security.Cryptography;
using ObjectStore.Index;
using ObjectStore.Index.Events;

namespace ObjectStore.Testing.Fakes;

/// <summary>
/// The event outbox: rows recorded with the write they describe (under the same lock, so only with a
/// write that commits), listed oldest first, claimed under their token, deleted by the relay.
/// </summary>
public sealed partial class InMemoryIndex
{
    private readonly SortedDictionary<(string Bucket, string RowKey), OutboxEvent> _outbox = [];
    private long _lastSequencer;

    /// <summary>
    /// Outbox rows for <paramref name="events"/> about <paramref name="key"/>; <paramref name="subject"/> is the
    /// version the event is about (size, ETag) or null for a removal. Caller holds the lock.
    /// </summary>
    private List<OutboxEvent> RecordEvents(IReadOnlyList<ObjectEvent>? events, string bucket, string key, ObjectRecord? subject, string? versionId)
    {
        var recorded = new List<OutboxEvent>();
        if (events is null)
            return recorded;
        var now = _time.GetUtcNow();
        // The Table index's sequencer: 16 hex digits of ticks, later for every later change of a key.
        _lastSequencer = Math.Max(now.UtcTicks, _lastSequencer + 1);
        var sequencer = _lastSequencer.ToString("X16", CultureInfo.InvariantCulture);
        foreach (var e in events)
        {
            var eventId = now.UtcTicks.ToString("x16", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            var row = new OutboxEvent(bucket, "e" + eventId, eventId, e.EventName, now, key,
                subject is null || subject.IsDeleteMarker ? 0 : subject.Size,
                subject is null || subject.IsDeleteMarker ? "" : subject.ETag,
                versionId, sequencer, e.Targets)
            {
                Region = e.Region,
                PrincipalId = e.PrincipalId,
                SourceIpAddress = e.SourceIpAddress,
                RequestId = e.RequestId,
                HostId = e.HostId,
                RestoreExpiry = e.RestoreExpiry,
                RestoreStorageClass = e.RestoreStorageClass,
                ConcurrencyToken = NextToken(),
            };
            _outbox[(bucket, row.RowKey)] = row;
            recorded.Add(row);
        }
        return recorded;
    }

    public Task<IReadOnlyList<OutboxEvent>> ListOutboxAsync(string bucket, DateTimeOffset recordedBefore, DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        var upper = "e" + recordedBefore.UtcTicks.ToString("x16", CultureInfo.InvariantCulture);
        lock (_lock)
            return Task.FromResult<IReadOnlyList<OutboxEvent>>(_outbox
                .Where(kv => kv.Key.Bucket == bucket && string.CompareOrdinal(kv.Key.RowKey, upper) < 0)
                .Select(kv => kv.Value)
                .Where(e => e.ClaimedUntil is not { } until || until <= now)
                .Take(max)
                .ToList());
    }

    public Task<OutboxEvent?> ClaimOutboxAsync(OutboxEvent outboxEvent, DateTimeOffset until, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outboxEvent);
        lock (_lock)
        {
            if (!_outbox.TryGetValue((outboxEvent.Bucket, outboxEvent.RowKey), out var stored) ||
                (outboxEvent.ConcurrencyToken is not null && stored.ConcurrencyToken != outboxEvent.ConcurrencyToken))
                return Task.FromResult<OutboxEvent?>(null);
            var claimed = stored with { ClaimedUntil = until, ConcurrencyToken = NextToken() };
            _outbox[(outboxEvent.Bucket, outboxEvent.RowKey)] = claimed;
            return Task.FromResult<OutboxEvent?>(claimed);
        }
    }

    public Task DeleteOutboxAsync(IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        lock (_lock)
        {
            foreach (var e in events)
                _outbox.Remove((e.Bucket, e.RowKey));
        }
        return Task.CompletedTask;
    }
}
