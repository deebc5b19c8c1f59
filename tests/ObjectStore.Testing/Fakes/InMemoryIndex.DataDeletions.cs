using System.Runtime.CompilerServices;
using ObjectStore.Index;

namespace ObjectStore.Testing.Fakes;

/// <summary>Pending data deletions, recorded with the change that unreferences the data, as the Table index does.</summary>
public sealed partial class InMemoryIndex
{
    private readonly List<DataDeletion> _deletions = [];
    private readonly SortedSet<string> _retired = new(StringComparer.Ordinal);
    private long _deletionSequence;

    /// <summary>Every pending deletion, oldest first (for assertions).</summary>
    public IReadOnlyList<DataDeletion> PendingDeletions
    {
        get { lock (_lock) return [.. _deletions]; }
    }

    /// <summary>Caller holds the lock.</summary>
    private void RecordDeletions(IEnumerable<ObjectRecord> removed, string? keptLayout = null)
    {
        foreach (var version in removed)
        {
            if (!version.IsDeleteMarker && version.DataLayout != keptLayout)
                RecordDeletion(version, version.DataLayout);
            if (version.RestoreLayout is { } copy && copy != keptLayout)
                RecordDeletion(version, copy);
        }
    }

    /// <summary>Caller holds the lock.</summary>
    private void RecordDeletion(ObjectRecord version, string layout)
    {
        if (layout.Length == 0 || InlineLayout.IsInline(layout))
            return; // inline data goes with its row
        var id = "g" + (++_deletionSequence).ToString("D16", System.Globalization.CultureInfo.InvariantCulture);
        _deletions.Add(new DataDeletion(version.Bucket, id, layout, version.Size, _time.GetUtcNow(), version.Key, version.VersionId));
    }

    /// <summary>Caller holds the lock.</summary>
    private void RetireIfPending(string bucket)
    {
        if (_deletions.Exists(d => d.Bucket == bucket))
            _retired.Add(bucket);
    }

    public Task<DataDeletionPage> ListDataDeletionsAsync(string bucket, string? after, int max, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var rows = _deletions.Where(d => d.Bucket == bucket && (after is null || string.CompareOrdinal(d.Id, after) > 0)).ToList();
            var page = rows.Take(max).ToList();
            return Task.FromResult(new DataDeletionPage(page, rows.Count > max ? page[^1].Id : null));
        }
    }

    public Task DeleteDataDeletionsAsync(IReadOnlyList<DataDeletion> deletions, CancellationToken cancellationToken)
    {
        lock (_lock)
            _deletions.RemoveAll(d => deletions.Any(x => x.Bucket == d.Bucket && x.Id == d.Id));
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<string> ListRetiredBucketsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<string> names;
        lock (_lock) names = [.. _retired];
        foreach (var name in names)
        {
            await Task.Yield();
            yield return name;
        }
    }

    public Task ForgetRetiredBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        lock (_lock) _retired.Remove(bucket);
        return Task.CompletedTask;
    }
}
