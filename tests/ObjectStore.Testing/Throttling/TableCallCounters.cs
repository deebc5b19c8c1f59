using System.Collections.Concurrent;
using System.Text.Json;

namespace ObjectStore.Testing.Throttling;

/// <summary>
/// What the calls a <see cref="ThrottlingTableProxy"/> forwarded did, per partition: point reads, range
/// queries and the rows they returned, single-entity writes, entity-group transactions and their changes.
/// Opt-in (<see cref="ThrottlingTableProxy.Calls"/>): counting a query's rows parses its answer. The
/// partitioned-bucket benchmark reads it to give a listing page's cost in queries and rows.
/// </summary>
public sealed class TableCallCounters
{
    private readonly ConcurrentDictionary<string, Counts> _partitions = new(StringComparer.Ordinal);

    /// <summary>Counts one forwarded call; <paramref name="answer"/> is the body Azurite sent back (rows of a query are counted from it).</summary>
    public void Record(string partition, string method, string rawUrl, int changes, bool succeeded, ReadOnlySpan<byte> answer)
    {
        var counts = _partitions.GetOrAdd(partition, _ => new Counts());
        if (rawUrl.Contains("/$batch", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref counts.Transactions);
            Interlocked.Add(ref counts.TransactionChanges, changes);
        }
        else if (method is "GET" && rawUrl.Contains("(PartitionKey=", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref counts.PointReads);
        }
        else if (method is "GET")
        {
            Interlocked.Increment(ref counts.Queries);
            if (succeeded)
                Interlocked.Add(ref counts.QueryRows, RowsOf(answer));
        }
        else
        {
            Interlocked.Increment(ref counts.Writes);
        }
    }

    /// <summary>The counts so far, per partition (ordinal order of the partition key).</summary>
    public IReadOnlyList<PartitionCalls> Snapshot() =>
        _partitions.OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => new PartitionCalls(pair.Key,
                Interlocked.Read(ref pair.Value.PointReads), Interlocked.Read(ref pair.Value.Queries), Interlocked.Read(ref pair.Value.QueryRows),
                Interlocked.Read(ref pair.Value.Writes), Interlocked.Read(ref pair.Value.Transactions), Interlocked.Read(ref pair.Value.TransactionChanges)))
            .ToArray();

    /// <summary>Entities in a query answer (the length of its <c>value</c> array); 0 when it is not one.</summary>
    public static int RowsOf(ReadOnlySpan<byte> answer)
    {
        try
        {
            var reader = new Utf8JsonReader(answer);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isValue = reader.ValueTextEquals("value"u8);
                if (!reader.Read())
                    return 0;
                if (!isValue || reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }
                var rows = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    rows++;
                    reader.Skip();
                }
                return rows;
            }
            return 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    private sealed class Counts
    {
        public long PointReads;
        public long Queries;
        public long QueryRows;
        public long Writes;
        public long Transactions;
        public long TransactionChanges;
    }
}

/// <summary>One partition's forwarded calls (refused ones are the budget's, <see cref="PartitionBudget.ByPartition"/>).</summary>
public sealed record PartitionCalls(string Partition, long PointReads, long Queries, long QueryRows, long Writes, long Transactions, long TransactionChanges);
