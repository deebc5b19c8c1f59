using ObjectStore.Index;

namespace ObjectStore.Testing.Fakes;

public sealed partial class InMemoryIndex
{
    /// <summary>Background scans run against the Table index only (integration tests).</summary>
    public Task<DataRowPage> ListDataRowsAsync(string bucket, string? after, int maxRows, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Data scans are not part of the protocol tests.");

    public Task<IndexWriteResult> UpdatePartLayoutAsync(DataRow part, string dataLayout, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Data scans are not part of the protocol tests.");
}
