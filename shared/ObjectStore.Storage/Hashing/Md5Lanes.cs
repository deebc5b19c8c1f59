namespace ObjectStore.Storage.Hashing;

/// <summary>
/// Hashes the whole blocks of concurrent MD5 streams together, sixteen to a 512-bit vector
/// (<see cref="Md5Blocks.CompressLanes"/>). Every PUT and part computes the MD5 of its body (its ETag); one
/// stream is strictly sequential, but the parts of a multipart upload arrive side by side.
/// <para>
/// A vector costs the same with two busy lanes as with sixteen, so blocks are not hashed as they arrive: an
/// append only queues them, and they are hashed when their stream is flushed (its writer needs the buffer
/// back, or the digest) or when sixteen streams wait. A write flushes a stripe only once it has received the
/// next one (tens of milliseconds later), so by then the other streams' stripes have queued too, and one
/// worker runs them all in lockstep, a slice at a time. It stops as soon as no flushed stream is left
/// unhashed: the others keep their progress and their place for the next round.
/// </para>
/// Without 512-bit vectors every append is hashed on its caller's thread.
/// </summary>
internal static class Md5Lanes
{
    /// <summary>Blocks per lane between two looks at the queue (64 KiB).</summary>
    private const int SliceBlocks = 1024;

    private static readonly object Gate = new();
    private static readonly List<Job> Waiting = []; // appended, not finished, oldest first
    private static int _demanded; // jobs in Waiting whose stream was flushed
    private static bool _running;

    /// <summary>
    /// Queues <paramref name="data"/> for <paramref name="stream"/> (hashed at the latest when the stream is
    /// flushed). The memory must stay untouched until <see cref="FlushAsync"/> ends, and the stream must have
    /// been flushed since its previous append.
    /// </summary>
    public static void Append(Md5Stream stream, ReadOnlyMemory<byte> data)
    {
        if (stream.Pending is not null)
            throw new InvalidOperationException("An MD5 stream was appended to before its previous append was flushed.");
        var blocks = stream.Absorb(data);
        if (blocks.IsEmpty)
            return;
        if (!Md5Blocks.LanesSupported)
        {
            Md5Blocks.Compress(stream.State, blocks.Span);
            return;
        }
        var job = new Job(stream, blocks);
        stream.Pending = job;
        lock (Gate)
        {
            Waiting.Add(job);
            StartIfDue();
        }
    }

    /// <summary>Completes once everything appended to <paramref name="stream"/> is hashed.</summary>
    public static Task FlushAsync(Md5Stream stream)
    {
        var job = stream.Pending;
        if (job is null)
            return Task.CompletedTask;
        lock (Gate)
        {
            if (!job.Demanded && !job.Finished)
            {
                job.Demanded = true;
                _demanded++;
                StartIfDue();
            }
        }
        return AwaitAndClear(stream, job);

        static async Task AwaitAndClear(Md5Stream stream, Job job)
        {
            try { await job.Done.Task.ConfigureAwait(false); }
            finally { stream.Pending = null; }
        }
    }

    /// <summary>Under <see cref="Gate"/>: starts the worker when a stream is flushed or the lanes are full.</summary>
    private static void StartIfDue()
    {
        if (_running || (_demanded == 0 && Waiting.Count < Md5Blocks.Lanes))
            return;
        _running = true;
        ThreadPool.UnsafeQueueUserWorkItem(static _ => Work(), null);
    }

    private static unsafe void Work()
    {
        var active = new List<Job>(Md5Blocks.Lanes);
        var states = stackalloc uint[4 * Md5Blocks.Lanes];
        var lanes = stackalloc byte*[Md5Blocks.Lanes];
        try
        {
            while (true)
            {
                active.Clear();
                lock (Gate)
                {
                    if (Waiting.Count == 0 || (_demanded == 0 && Waiting.Count < Md5Blocks.Lanes))
                    {
                        _running = false;
                        return;
                    }
                    // The oldest first: a flushed stream is never left behind sixteen newer ones.
                    for (var i = 0; i < Waiting.Count && active.Count < Md5Blocks.Lanes; i++)
                        active.Add(Waiting[i]);
                }
                var slice = SliceBlocks;
                foreach (var job in active)
                    slice = Math.Min(slice, job.RemainingBlocks);
                if (active.Count == 1)
                    active[0].CompressAlone(slice);
                else
                {
                    for (var l = 0; l < active.Count; l++)
                    {
                        lanes[l] = active[l].Next;
                        var state = active[l].Stream.State;
                        for (var w = 0; w < 4; w++)
                            states[w * Md5Blocks.Lanes + l] = state[w];
                    }
                    Md5Blocks.CompressLanes(states, lanes, active.Count, slice);
                    for (var l = 0; l < active.Count; l++)
                    {
                        var state = active[l].Stream.State;
                        for (var w = 0; w < 4; w++)
                            state[w] = states[w * Md5Blocks.Lanes + l];
                        active[l].Advance(slice);
                    }
                }
                foreach (var job in active)
                    if (job.RemainingBlocks == 0)
                        Finish(job, null);
            }
        }
        catch (Exception e)
        {
            // Not expected (the blocks are pinned and whole): fail every queued job and let the next flush start over.
            lock (Gate)
            {
                foreach (var job in Waiting.ToArray())
                    Finish(job, e);
                _running = false;
            }
        }
    }

    private static void Finish(Job job, Exception? error)
    {
        lock (Gate)
        {
            Waiting.Remove(job);
            job.Finished = true;
            if (job.Demanded)
                _demanded--;
        }
        job.Release();
        if (error is null)
            job.Done.TrySetResult();
        else
            job.Done.TrySetException(error);
    }

    /// <summary>The whole blocks of one append, pinned until they are hashed.</summary>
    internal sealed unsafe class Job(Md5Stream stream, ReadOnlyMemory<byte> blocks)
    {
        private readonly System.Buffers.MemoryHandle _pin = blocks.Pin();
        private int _done;

        public Md5Stream Stream => stream;
        public bool Demanded { get; set; } // both under Gate
        public bool Finished { get; set; }
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int RemainingBlocks => blocks.Length / Md5Blocks.BlockSize - _done;
        public byte* Next => (byte*)_pin.Pointer + (long)_done * Md5Blocks.BlockSize;

        public void Advance(int count) => _done += count;

        public void CompressAlone(int count)
        {
            Md5Blocks.Compress(stream.State, new ReadOnlySpan<byte>(Next, count * Md5Blocks.BlockSize));
            _done += count;
        }

        public void Release() => _pin.Dispose();
    }
}
