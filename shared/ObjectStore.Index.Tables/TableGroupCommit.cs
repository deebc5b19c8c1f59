using Azure;
using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

/// <summary>
/// Group commit of object writes: writers of one partition (bucket) that arrive while a transaction
/// of that partition is in flight wait, and the next transaction commits all of them together (at
/// most <see cref="TableObjectIndex.MaxBatch"/> actions, no row named twice), so concurrent writers
/// share one Table round trip instead of paying one each. Each writer keeps its own conditions
/// (ETags, insert-only adds): when the transaction fails on one action, the service names that
/// action's index; its writer alone gets the failure, and the others are committed again without
/// it. A failure without an index commits each writer on its own. A writer is all or nothing, as
/// when it committed alone. See docs/index-schema.md "Group commit".
/// </summary>
internal sealed class TableGroupCommit
{
    /// <summary>A bound on a transaction's payload estimate (the service takes 4 MiB).</summary>
    internal const int MaxBatchBytes = 2 * 1024 * 1024;

    private readonly Func<IReadOnlyList<TableTransactionAction>, CancellationToken, Task> _submit;
    private readonly int _maxInFlight;
    private readonly Dictionary<string, Partition> _partitions = new(StringComparer.Ordinal);

    /// <param name="submit">Commits one transaction (the Objects table's SubmitTransactionAsync).</param>
    /// <param name="maxInFlight">Transactions of one partition in flight at once.</param>
    public TableGroupCommit(Func<IReadOnlyList<TableTransactionAction>, CancellationToken, Task> submit, int maxInFlight = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        _submit = submit;
        _maxInFlight = maxInFlight;
    }

    /// <summary>
    /// Commits <paramref name="actions"/> (one partition) with whatever else is waiting: true when
    /// committed, false when one of its own conditions failed (409, 412 or 404); other failures throw.
    /// </summary>
    public async Task<bool> TrySubmitAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        if (actions.Count == 0)
            return true;
        cancellationToken.ThrowIfCancellationRequested();
        var writer = new Writer(actions);
        var partitionKey = actions[0].Entity.PartitionKey;
        Partition partition;
        var startDrain = false;
        lock (_partitions)
        {
            if (!_partitions.TryGetValue(partitionKey, out partition!))
                _partitions[partitionKey] = partition = new Partition(partitionKey);
            partition.Waiting.Add(writer);
            if (partition.InFlight < _maxInFlight)
            {
                partition.InFlight++;
                startDrain = true;
            }
        }
        if (startDrain)
            _ = Task.Run(() => DrainAsync(partition), CancellationToken.None);
        try
        {
            return await writer.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Not taken yet: it never reaches the service. Taken: its outcome is unknown, as for any
            // request abandoned in flight.
            lock (_partitions)
                partition.Waiting.Remove(writer);
            throw;
        }
    }

    /// <summary>Commits batches of the partition's waiting writers until none wait.</summary>
    private async Task DrainAsync(Partition partition)
    {
        while (true)
        {
            List<Writer> batch;
            lock (_partitions)
            {
                batch = TakeBatch(partition.Waiting);
                if (batch.Count == 0)
                {
                    partition.InFlight--;
                    if (partition.InFlight == 0 && partition.Waiting.Count == 0)
                        _partitions.Remove(partition.Key);
                    return;
                }
            }
            await CommitAsync(batch).ConfigureAwait(false);
        }
    }

    /// <summary>Writers in arrival order that fit one transaction together; the rest keep waiting.</summary>
    private static List<Writer> TakeBatch(List<Writer> waiting)
    {
        var batch = new List<Writer>();
        var rows = new HashSet<string>(StringComparer.Ordinal);
        int actions = 0, bytes = 0;
        for (var i = 0; i < waiting.Count; i++)
        {
            var writer = waiting[i];
            var fits = batch.Count == 0
                || (actions + writer.Actions.Count <= TableObjectIndex.MaxBatch && bytes + writer.Bytes <= MaxBatchBytes && !writer.RowKeys.Overlaps(rows));
            if (!fits)
            {
                if (actions >= TableObjectIndex.MaxBatch)
                    break;
                continue;
            }
            batch.Add(writer);
            rows.UnionWith(writer.RowKeys);
            actions += writer.Actions.Count;
            bytes += writer.Bytes;
            waiting.RemoveAt(i--);
        }
        return batch;
    }

    private async Task CommitAsync(List<Writer> batch)
    {
        while (batch.Count > 1)
        {
            var actions = new List<TableTransactionAction>(batch.Sum(w => w.Actions.Count));
            foreach (var writer in batch)
                actions.AddRange(writer.Actions);
            try
            {
                await _submit(actions, CancellationToken.None).ConfigureAwait(false);
                foreach (var writer in batch)
                    writer.Done.TrySetResult(true);
                return;
            }
            catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex is { } index && index >= 0 && index < actions.Count)
            {
                var loser = WriterOf(batch, index);
                Fail(loser, e);
                batch.Remove(loser);
            }
            catch (RequestFailedException)
            {
                // No action named: each writer on its own learns its own outcome.
                await Task.WhenAll(batch.Select(CommitAloneAsync)).ConfigureAwait(false);
                return;
            }
            catch (Exception e)
            {
                foreach (var writer in batch)
                    writer.Done.TrySetException(e);
                return;
            }
        }
        if (batch.Count == 1)
            await CommitAloneAsync(batch[0]).ConfigureAwait(false);
    }

    private async Task CommitAloneAsync(Writer writer)
    {
        try
        {
            await _submit(writer.Actions, CancellationToken.None).ConfigureAwait(false);
            writer.Done.TrySetResult(true);
        }
        catch (RequestFailedException e)
        {
            Fail(writer, e);
        }
        catch (Exception e)
        {
            writer.Done.TrySetException(e);
        }
    }

    /// <summary>A lost condition is the writer's false (it re-reads or reports it); anything else its exception.</summary>
    private static void Fail(Writer writer, RequestFailedException e)
    {
        if (e is TableTransactionFailedException && e.Status is 409 or 412 or 404)
            writer.Done.TrySetResult(false);
        else
            writer.Done.TrySetException(e);
    }

    private static Writer WriterOf(List<Writer> batch, int actionIndex)
    {
        foreach (var writer in batch)
        {
            if (actionIndex < writer.Actions.Count)
                return writer;
            actionIndex -= writer.Actions.Count;
        }
        throw new ArgumentOutOfRangeException(nameof(actionIndex));
    }

    private sealed class Partition(string key)
    {
        public string Key { get; } = key;
        public List<Writer> Waiting { get; } = [];
        public int InFlight { get; set; }
    }

    private sealed class Writer
    {
        public Writer(IReadOnlyList<TableTransactionAction> actions)
        {
            Actions = actions;
            RowKeys = new HashSet<string>(actions.Select(a => a.Entity.RowKey), StringComparer.Ordinal);
            Bytes = actions.Sum(a => EstimateBytes(a.Entity));
        }

        public IReadOnlyList<TableTransactionAction> Actions { get; }
        public HashSet<string> RowKeys { get; }
        public int Bytes { get; }
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>About what an entity weighs on the wire (JSON: strings as UTF-16 at worst, binary as base64).</summary>
    private static int EstimateBytes(ITableEntity entity)
    {
        var bytes = 256 + (entity.RowKey.Length + entity.PartitionKey.Length) * 2;
        if (entity is TableEntity properties)
        {
            foreach (var (name, value) in properties)
            {
                bytes += name.Length * 2 + value switch
                {
                    string s => s.Length * 2,
                    byte[] b => b.Length * 4 / 3,
                    BinaryData d => (int)(d.ToMemory().Length * 4L / 3),
                    _ => 32,
                };
            }
        }
        return bytes;
    }
}
