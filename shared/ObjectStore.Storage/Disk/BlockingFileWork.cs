namespace ObjectStore.Storage.Disk;

/// <summary>
/// Dedicated threads for file-system calls that block for milliseconds (fsync of a shard file and
/// of its directory, the commit rename). On the shared thread pool they starve it: eight
/// concurrent 4 KiB PUTs make 48 fsyncs wait for pool threads the pool adds only slowly, and
/// requests queue behind them (measured: 4 KiB data writes at concurrency 8 went from 160/s to
/// 380/s with enough threads; see docs/benchmarks.md). A fixed set of threads, started on first
/// use, lets the fsyncs of several writes overlap, which the file system's journal batches.
/// <para>
/// Idle threads wait on a plain monitor: <c>BlockingCollection</c> (SemaphoreSlim) spins and yields
/// before it blocks, which cost a quarter of the host's CPU in a 4 KiB PUT profile.
/// </para>
/// </summary>
internal static class BlockingFileWork
{
    /// <summary>Enough for every shard of ten concurrent writes of 4+2 at once; idle threads cost only address space.</summary>
    private const int ThreadCount = 64;

    private static readonly Queue<Action> Queue = new();
    private static int _started;

    /// <summary>Runs <paramref name="action"/> on one of the dedicated threads.</summary>
    public static Task RunAsync(Action action, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled(cancellationToken);
        if (Volatile.Read(ref _started) == 0 && Interlocked.Exchange(ref _started, 1) == 0)
            StartThreads();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (Queue)
        {
            Queue.Enqueue(() =>
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
            Monitor.Pulse(Queue);
        }
        return done.Task;
    }

    private static void StartThreads()
    {
        for (var i = 0; i < ThreadCount; i++)
            new Thread(Work) { IsBackground = true, Name = "ObjectStore file sync" }.Start();
    }

    private static void Work()
    {
        while (true)
        {
            Action item;
            lock (Queue)
            {
                while (Queue.Count == 0)
                    Monitor.Wait(Queue);
                item = Queue.Dequeue();
            }
            item();
        }
    }
}
