using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ObjectStore.Index.Events;

namespace ObjectStore.Index.Tables;

/// <summary>
/// The event outbox: "e" rows in the bucket's partition, added to the same entity-group transaction
/// as the object rows they describe. RowKey = "e" + 16 hex digits of UTC ticks + "-" + 12 random hex
/// digits, so a bucket's pending events list oldest first; the part after "e" is the event id.
/// Deletions of relayed rows go through the partition's group commit, so the rows of concurrent requests
/// (a DeleteObjects' keys) share transactions with each other and with the partition's writes.
/// </summary>
internal sealed class TableOutbox(TableClient objects, TimeProvider time, PartitionRouter router, TableGroupCommit commits)
{
    private readonly TableClient _objects = objects;
    private readonly TimeProvider _time = time;

    private const string OutboxRowPrefix = "e";

    /// <summary>
    /// Outbox rows for <paramref name="events"/> about <paramref name="key"/>, added to <paramref name="actions"/>.
    /// <paramref name="subject"/> is the version the event is about (size, ETag) or null for a removed key;
    /// <paramref name="ticks"/> orders the key's events (the sequencer).
    /// </summary>
    public List<OutboxEvent> AddOutboxRows(List<TableTransactionAction> actions, IReadOnlyList<ObjectEvent>? events, string partitionKey, string key,
        ObjectRecord? subject, string? versionId, long ticks)
    {
        var bucket = IndexPartitions.BucketOf(partitionKey);
        var index = IndexPartitions.IndexOfPartitionKey(partitionKey);
        var recorded = new List<OutboxEvent>();
        if (events is null)
            return recorded;
        var now = _time.GetUtcNow();
        foreach (var e in events)
        {
            var eventId = now.UtcTicks.ToString("x16", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            var row = new OutboxEvent(bucket, IndexPartitions.Position(index, OutboxRowPrefix + eventId), eventId, e.EventName, now, key,
                subject is null || subject.IsDeleteMarker ? 0 : subject.Size,
                subject is null || subject.IsDeleteMarker ? "" : subject.ETag,
                versionId, ticks.ToString("X16", CultureInfo.InvariantCulture), e.Targets)
            {
                Region = e.Region,
                PrincipalId = e.PrincipalId,
                SourceIpAddress = e.SourceIpAddress,
                RequestId = e.RequestId,
                HostId = e.HostId,
                RestoreExpiry = e.RestoreExpiry,
                RestoreStorageClass = e.RestoreStorageClass,
            };
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, ToEntity(row)));
            recorded.Add(row);
        }
        return recorded;
    }

    /// <summary>The sequencer of a change to a key whose current row is <paramref name="current"/>: later than its latest version.</summary>
    public long SequencerTicks(TableEntity? current)
    {
        var ticks = _time.GetUtcNow().UtcTicks;
        if (current is not null && EntityMapping.VersionRowOf(current) is { } stamp && VersionStamp.TryGetTicks(stamp, out var latest) && ticks <= latest)
            ticks = latest + 1;
        return ticks;
    }

    public async Task<IReadOnlyList<OutboxEvent>> ListOutboxAsync(string bucket, DateTimeOffset recordedBefore, DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        var upper = OutboxRowPrefix + recordedBefore.UtcTicks.ToString("x16", CultureInfo.InvariantCulture);
        var routing = await router.GetAsync(bucket, cancellationToken).ConfigureAwait(false);
        var rows = new List<OutboxEvent>();
        // Each partition's oldest, then the oldest of those: a bucket's events leave roughly in order.
        foreach (var partitionKey in IndexPartitions.PartitionKeys(bucket, routing.ScanCount))
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {OutboxRowPrefix} and RowKey lt {upper}");
            var taken = 0;
            await foreach (var entity in _objects.QueryAsync<TableEntity>(filter, maxPerPage: Math.Clamp(max, 1, 1000), cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                var row = ToOutboxEvent(entity);
                if (row.ClaimedUntil is { } until && until > now)
                    continue;
                rows.Add(row);
                if (++taken >= max)
                    break;
            }
        }
        return rows.OrderBy(r => r.EventId, StringComparer.Ordinal).Take(max).ToList();
    }

    public async Task<OutboxEvent?> ClaimOutboxAsync(OutboxEvent outboxEvent, DateTimeOffset until, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outboxEvent);
        var etag = outboxEvent.ConcurrencyToken is null ? ETag.All : new ETag(outboxEvent.ConcurrencyToken);
        try
        {
            var (partitionKey, rowKey) = IndexPartitions.Address(outboxEvent.Bucket, outboxEvent.RowKey);
            var response = await _objects.UpdateEntityAsync(new TableEntity(partitionKey, rowKey) { ["ClaimedUntil"] = until }, etag,
                TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return outboxEvent with { ClaimedUntil = until, ConcurrencyToken = response.Headers.ETag?.ToString() };
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return null;
        }
    }

    public async Task DeleteOutboxAsync(IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        // A row already gone (the sweep or another relay deleted it) fails only its own delete: false, which is fine.
        await Task.WhenAll(events.Select(e =>
        {
            var (partitionKey, rowKey) = IndexPartitions.Address(e.Bucket, e.RowKey);
            return commits.TrySubmitAsync([new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partitionKey, rowKey), ETag.All)],
                cancellationToken);
        })).ConfigureAwait(false);
    }

    private static TableEntity ToEntity(OutboxEvent e) => new(IndexPartitions.Address(e.Bucket, e.RowKey).PartitionKey, IndexPartitions.Address(e.Bucket, e.RowKey).RowKey)
    {
        ["EventId"] = e.EventId,
        ["EventName"] = e.EventName,
        ["EventTime"] = e.EventTime,
        ["Key"] = e.Key,
        ["Size"] = e.Size,
        ["ETag"] = e.ETag,
        ["VersionId"] = e.VersionId,
        ["Sequencer"] = e.Sequencer,
        ["Targets"] = JsonSerializer.Serialize(e.Targets.Select(t => new[] { t.ConfigurationId, t.DestinationArn })),
        ["Region"] = e.Region,
        ["PrincipalId"] = e.PrincipalId,
        ["SourceIpAddress"] = e.SourceIpAddress,
        ["RequestId"] = e.RequestId,
        ["HostId"] = e.HostId,
        ["RestoreExpiry"] = e.RestoreExpiry,
        ["RestoreStorageClass"] = e.RestoreStorageClass,
    };

    private static OutboxEvent ToOutboxEvent(TableEntity entity)
    {
        var targets = JsonSerializer.Deserialize<string[][]>(entity.GetString("Targets") ?? "[]") ?? [];
        return new OutboxEvent(IndexPartitions.BucketOf(entity.PartitionKey), IndexPartitions.PositionOf(entity), entity.GetString("EventId") ?? entity.RowKey[1..], entity.GetString("EventName") ?? "",
            entity.GetDateTimeOffset("EventTime") ?? default, entity.GetString("Key") ?? "", entity.GetInt64("Size") ?? 0, entity.GetString("ETag") ?? "",
            entity.GetString("VersionId"), entity.GetString("Sequencer") ?? "",
            targets.Where(t => t.Length == 2).Select(t => new EventTarget(t[0], t[1])).ToList())
        {
            Region = entity.GetString("Region") ?? "",
            PrincipalId = entity.GetString("PrincipalId") ?? "",
            SourceIpAddress = entity.GetString("SourceIpAddress") ?? "",
            RequestId = entity.GetString("RequestId") ?? "",
            HostId = entity.GetString("HostId") ?? "",
            RestoreExpiry = entity.GetDateTimeOffset("RestoreExpiry"),
            RestoreStorageClass = entity.GetString("RestoreStorageClass"),
            ClaimedUntil = entity.GetDateTimeOffset("ClaimedUntil"),
            ConcurrencyToken = entity.ETag.ToString(),
        };
    }
}
