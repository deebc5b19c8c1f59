using System.Collections.Concurrent;

namespace ObjectStore.Storage.Disk;

/// <summary>
/// Dedicated threads for file-system calls that block for milliseconds (fsync of a shard file and
/// of its directory, the commit rename). On the shared thread pool they starve it: eight
/// concurrent 4 KiB PUTs make 48 fsyncs wait for pool threads the pool adds only slowly, and
/// requests queue behind them (measured: 4 KiB data writes at concurrency 8 went from 160/s to
/// 380/s with enough threads; see docs/benchmarks.md). A fixed set of threads, started on first
/// use, lets the fsyncs of several writes overlap, which the file system's journal batches.
/// </summary>
internal static class BlockingFileWork
{
    /// <summary>Enough for every shard of ten concurrent writes of 4+2 at once; idle threads cost only address space.</summary>
    private const int ThreadCount = 64;

    private static readonly Lazy<BlockingCollection<Action>> Work = new(Start);

    /// <summary>Runs <paramref name="action"/> on one of the dedicated threads.</summary>
    public static Task RunAsync(Action action, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled(cancellationToken);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Work.Value.Add(() =>
        {
            try
            {
                action();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task;
    }

    private static BlockingCollection<Action> Start()
    {
        var queue = new BlockingCollection<Action>();
        for (var i = 0; i < ThreadCount; i++)
        {
            new Thread(() =>
            {
                foreach (var item in queue.GetConsumingEnumerable())
                    item();
            })
            { IsBackground = true, Name = "ObjectStore file sync" }.Start();
        }
        return queue;
    }
}
