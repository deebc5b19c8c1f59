namespace ObjectStore.Storage.Disk;

/// <summary>
/// How much freshly written data the disk zones of one data store leave in the page cache: the newest data
/// shard files up to a budget stay (a GET of an object written a moment ago reads memory), and as new files
/// commit the oldest leave it (POSIX_FADV_DONTNEED). The cache then reuses the pages it has just freed instead
/// of growing by every object written, which on this project's VMs costs more than the write itself (a page
/// the guest has not touched lately faults to the hypervisor: docs/benchmarks.md "The page cache"), and a
/// stream of checkpoints cannot push out what readers use. Files under 256 KiB are left to the kernel.
/// </summary>
public sealed class WriteCacheWindow
{
    private const long TrackedFromBytes = 256 * 1024;

    private readonly object _gate = new();
    private readonly Queue<(string Path, long Bytes)> _files = new();
    private long _bytes;

    /// <param name="budgetBytes">Bytes of data shard files kept; <see cref="long.MaxValue"/>: all of them (nothing tracked).</param>
    public WriteCacheWindow(long budgetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(budgetBytes);
        BudgetBytes = budgetBytes;
    }

    /// <summary>A single shard file longer than this never stays cached: it leaves as it is written or read.</summary>
    public long BudgetBytes { get; }

    /// <summary>Files in the window now (tests).</summary>
    internal int Count
    {
        get { lock (_gate) return _files.Count; }
    }

    /// <summary>A cached data shard file was committed at <paramref name="path"/>; the oldest files past the budget leave the cache.</summary>
    public void Committed(string path, long bytes)
    {
        if (bytes < TrackedFromBytes || BudgetBytes == long.MaxValue)
            return;
        List<string>? leaving = null;
        lock (_gate)
        {
            _files.Enqueue((path, bytes));
            _bytes += bytes;
            while (_bytes > BudgetBytes && _files.TryDequeue(out var oldest))
            {
                _bytes -= oldest.Bytes;
                (leaving ??= []).Add(oldest.Path);
            }
        }
        if (leaving is not null)
            foreach (var file in leaving)
                Writeback.DropFile(file);
    }
}
