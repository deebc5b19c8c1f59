using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

/// <summary>Pending data deletions and retired buckets: <see cref="TableDataDeletions"/> (the object writes add its rows to their transactions).</summary>
public sealed partial class TableObjectIndex
{
    public Task<DataDeletionPage> ListDataDeletionsAsync(string bucket, string? after, int max, CancellationToken cancellationToken) =>
        _deletions.ListDataDeletionsAsync(bucket, after, max, cancellationToken);

    public Task DeleteDataDeletionsAsync(IReadOnlyList<DataDeletion> deletions, CancellationToken cancellationToken) =>
        _deletions.DeleteDataDeletionsAsync(deletions, cancellationToken);

    public IAsyncEnumerable<string> ListRetiredBucketsAsync(CancellationToken cancellationToken) =>
        _deletions.ListRetiredBucketsAsync(cancellationToken);

    public Task ForgetRetiredBucketAsync(string bucket, CancellationToken cancellationToken) =>
        _deletions.ForgetRetiredBucketAsync(bucket, cancellationToken);

    private void AddDeletionRows(List<TableTransactionAction> actions, IEnumerable<ObjectRecord> removed, string? keptLayout = null) =>
        _deletions.AddDeletionRows(actions, removed, keptLayout);

    private void AddDeletionRow(List<TableTransactionAction> actions, string bucket, string key, string? versionId, string layout, long size) =>
        _deletions.AddDeletionRow(actions, bucket, key, versionId, layout, size);

    private Task RetireIfPendingAsync(string bucket, CancellationToken cancellationToken) => _deletions.RetireIfPendingAsync(bucket, cancellationToken);
}
