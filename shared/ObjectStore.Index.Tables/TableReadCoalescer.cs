using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

/// <summary>
/// Point reads of one partition that wait behind a read in flight are answered together by one range
/// query from the smallest to the largest RowKey asked for (a DeleteObjects names up to 1,000 keys,
/// mostly neighbours from a listing: one query instead of a round trip each). The query reads at most
/// a bounded number of rows, so keys far apart cost no long scan: a key the bounded range did not
/// reach is read on its own. Results are what point reads at that moment would return (Table reads
/// are strongly consistent; the rows carry their ETags). See docs/index-schema.md "Group commit".
/// </summary>
internal sealed class TableReadCoalescer(TableClient table)
{
    /// <summary>Most keys one range query answers.</summary>
    internal const int MaxKeysPerQuery = 100;

    /// <summary>Rows a range query may read per key asked for before the rest are read one by one.</summary>
    private const int RowsPerKey = 2;

    /// <summary>After a range query that did not cover its keys, this many batches of the partition go as point reads.</summary>
    private const int SparseBackoff = 16;

    private readonly Dictionary<string, Partition> _partitions = new(StringComparer.Ordinal);

    /// <summary>Partitions whose last range query met keys too far apart, with the batches left before trying again.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _sparse = new(StringComparer.Ordinal);

    /// <summary>The row, or null when there is none.</summary>
    public async Task<TableEntity?> ReadAsync(string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var read = new Read(rowKey);
        Partition partition;
        var startDrain = false;
        lock (_partitions)
        {
            if (!_partitions.TryGetValue(partitionKey, out partition!))
                _partitions[partitionKey] = partition = new Partition(partitionKey);
            partition.Waiting.Add(read);
            if (!partition.Busy)
                partition.Busy = startDrain = true;
        }
        if (startDrain)
            _ = Task.Run(() => DrainAsync(partition), CancellationToken.None);
        try
        {
            return await read.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            lock (_partitions)
                partition.Waiting.Remove(read);
            throw;
        }
    }

    private async Task DrainAsync(Partition partition)
    {
        while (true)
        {
            List<Read> batch;
            lock (_partitions)
            {
                var count = Math.Min(partition.Waiting.Count, MaxKeysPerQuery);
                batch = partition.Waiting.GetRange(0, count);
                partition.Waiting.RemoveRange(0, count);
                if (batch.Count == 0)
                {
                    partition.Busy = false;
                    _partitions.Remove(partition.Key);
                    return;
                }
            }
            try
            {
                await AnswerAsync(partition.Key, batch).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                foreach (var read in batch)
                    read.Done.TrySetException(e);
            }
        }
    }

    private async Task AnswerAsync(string partitionKey, List<Read> batch)
    {
        var wanted = batch.GroupBy(r => r.RowKey, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        if (wanted.Count > 1 && !SkipRange(partitionKey))
        {
            var keys = wanted.Keys.Order(StringComparer.Ordinal).ToList();
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {keys[0]} and RowKey le {keys[^1]}");
            var budget = keys.Count * RowsPerKey;
            await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(budget, 1000), cancellationToken: CancellationToken.None).ConfigureAwait(false))
            {
                if (wanted.Remove(row.RowKey, out var reads))
                    reads.ForEach(r => r.Done.TrySetResult(row));
                if (wanted.Count == 0 || string.CompareOrdinal(row.RowKey, keys[^1]) >= 0)
                    break;
                if (--budget == 0)
                    break;
            }
            if (budget > 0)
            {
                // The range was read to its end: a key not met has no row.
                foreach (var reads in wanted.Values)
                    reads.ForEach(r => r.Done.TrySetResult(null));
                return;
            }
            if (_sparse.Count < 10_000)
                _sparse[partitionKey] = SparseBackoff;
        }
        await Task.WhenAll(wanted.Select(async pair =>
        {
            var response = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, pair.Key, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            pair.Value.ForEach(r => r.Done.TrySetResult(response.HasValue ? response.Value : null));
        })).ConfigureAwait(false);
    }

    /// <summary>True while the partition backs off from range queries (concurrent reads of keys far apart, as single DELETEs of random keys).</summary>
    private bool SkipRange(string partitionKey)
    {
        if (!_sparse.TryGetValue(partitionKey, out var left))
            return false;
        if (left <= 1)
            _sparse.TryRemove(partitionKey, out _);
        else
            _sparse[partitionKey] = left - 1;
        return true;
    }

    private sealed class Partition(string key)
    {
        public string Key { get; } = key;
        public List<Read> Waiting { get; } = [];
        public bool Busy { get; set; }
    }

    private sealed class Read(string rowKey)
    {
        public string RowKey { get; } = rowKey;
        public TaskCompletionSource<TableEntity?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
