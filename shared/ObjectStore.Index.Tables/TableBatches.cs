using Azure;
using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

/// <summary>Writes every part of the index shares: deleting rows in transactions, conditional writes as results.</summary>
internal static class TableBatches
{
    /// <summary>
    /// Deletes rows, a transaction per partition and <see cref="TableObjectIndex.MaxBatch"/> rows (a transaction may name a
    /// row once only); a row already gone (a concurrent cleanup) is no error: the rest go one by one.
    /// </summary>
    internal static async Task DeleteRowsAsync(TableClient table, IEnumerable<TableEntity> rows, CancellationToken cancellationToken)
    {
        foreach (var partition in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.DistinctBy(r => r.RowKey, StringComparer.Ordinal).Chunk(TableObjectIndex.MaxBatch))
            {
                var actions = chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)).ToList();
                try
                {
                    await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    foreach (var row in chunk)
                    {
                        try
                        {
                            await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
                        }
                        catch (RequestFailedException gone) when (gone.Status == 404)
                        {
                        }
                    }
                }
            }
        }
    }

    /// <summary>Runs a write conditioned on an entity's ETag: 404 is NotFound, 412 ConditionFailed.</summary>
    internal static async Task<IndexWriteResult> ConditionalWriteAsync(Func<Task> write)
    {
        try
        {
            await write().ConfigureAwait(false);
            return IndexWriteResult.Success;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return IndexWriteResult.NotFound;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return IndexWriteResult.ConditionFailed;
        }
    }
}
