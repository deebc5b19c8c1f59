using System.Runtime.CompilerServices;
using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

/// <summary>
/// A resumable per-bucket scan (data rows, pending deletions) over every partition of the bucket, one after
/// the other in index order; a row's position (<see cref="IndexPartitions.PositionOf"/>) names its partition
/// and RowKey, so a scan resumes behind the last row it returned, in that row's partition.
/// </summary>
internal static class PartitionScan
{
    /// <param name="filterOf">The scan's filter for one partition, given the RowKey it starts after (null: the start of its range).</param>
    public static async IAsyncEnumerable<TableEntity> RowsAsync(TableClient table, string bucket, int partitionCount, string? after,
        Func<string, string?, string> filterOf, int pageSize, IEnumerable<string>? select, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (first, afterRowKey) = after is null ? (0, null) : IndexPartitions.ParsePosition(after);
        for (var index = first; index < partitionCount; index++)
        {
            var filter = filterOf(IndexPartitions.PartitionKey(bucket, index), index == first ? afterRowKey : null);
            await foreach (var row in table.QueryAsync<TableEntity>(filter, pageSize, select, cancellationToken).ConfigureAwait(false))
                yield return row;
        }
    }
}
