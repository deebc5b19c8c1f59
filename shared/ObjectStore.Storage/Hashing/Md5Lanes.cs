namespace ObjectStore.Storage.Hashing;

/// <summary>
/// Hashes the whole blocks of concurrent MD5 streams together, sixteen to a 512-bit vector
/// (<see cref="Md5Blocks.CompressLanes"/>). Every PUT and part computes the MD5 of its body (its ETag); one
/// stream is strictly sequential, but the parts of a multipart upload arrive side by side.
/// <para>
/// A vector costs the same with two busy lanes as with sixteen, so blocks are not hashed as they arrive: an
/// append only queues them behind the stream's earlier appends, and they are hashed when someone flushes them
/// (a write needs its buffer back, or the digest) or when sixteen streams have blocks queued. A write queues
/// each mebibyte of a stripe as it arrives and flushes the stripe only once the next one is in, so by then the
/// other writes' blocks have queued too, and one worker runs the streams in lockstep, a slice at a time. It
/// stops as soon as nothing flushed is left: the others keep their progress and their place.
/// </para>
/// Without 512-bit vectors every append is hashed on its caller's thread.
/// </summary>
internal static class Md5Lanes
{
    /// <summary>Blocks per lane between two looks at the queue (64 KiB).</summary>
    private const int SliceBlocks = 1024;

    private static readonly object Gate = new();
    private static readonly List<Md5Stream> Waiting = []; // streams with queued jobs; flushed ones first
    private static int _demanded; // queued jobs someone flushed
    private static bool _running;

    /// <summary>
    /// Appends <paramref name="data"/> to <paramref name="stream"/>: its whole blocks are queued (hashed at the
    /// latest when flushed), a tail under a block is kept by the stream. The memory must stay untouched until a
    /// flush of the stream (or of a job appended after this one) ends. While blocks are queued, the stream must not hold a
    /// partial block: appends go in whole blocks, and only the last may end with a tail.
    /// </summary>
    public static void Append(Md5Stream stream, ReadOnlyMemory<byte> data)
    {
        if (stream.HasQueued && stream.HasPartialBlock)
            throw new InvalidOperationException("An MD5 stream with queued blocks was appended to after a partial block.");
        var blocks = stream.Absorb(data);
        if (blocks.IsEmpty)
            return;
        if (!Md5Blocks.LanesSupported)
        {
            Md5Blocks.Compress(stream.State, blocks.Span);
            return;
        }
        var job = new Job(stream, blocks);
        lock (Gate)
        {
            stream.Queued.Enqueue(job);
            if (stream.Queued.Count == 1)
                Waiting.Add(stream);
            stream.Last = job;
            StartIfDue();
        }
    }

    /// <summary>Completes once everything appended to <paramref name="stream"/> is hashed.</summary>
    public static Task FlushAsync(Md5Stream stream) => FlushAsync(stream.Last);

    /// <summary>Completes once <paramref name="job"/> and what its stream queued before it are hashed.</summary>
    public static Task FlushAsync(Job? job)
    {
        if (job is null)
            return Task.CompletedTask;
        lock (Gate)
        {
            if (!job.Demanded && !job.Finished)
            {
                job.Demanded = true;
                _demanded++;
                // Ahead of streams nobody waits for: past sixteen, the worker only takes the first ones.
                Waiting.Remove(job.Stream);
                Waiting.Insert(0, job.Stream);
                StartIfDue();
            }
        }
        return job.Done.Task;
    }

    /// <summary>Under <see cref="Gate"/>: someone waits, or the lanes are full.</summary>
    private static bool Due => _demanded > 0 || Waiting.Count >= Md5Blocks.Lanes;

    /// <summary>Under <see cref="Gate"/>.</summary>
    private static void StartIfDue()
    {
        if (_running || !Due)
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
                    if (Waiting.Count == 0 || !Due)
                    {
                        _running = false;
                        return;
                    }
                    for (var i = 0; i < Waiting.Count && active.Count < Md5Blocks.Lanes; i++)
                        active.Add(Waiting[i].Queued.Peek());
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
            // Not expected (the blocks are pinned and whole): fail everything queued and let the next flush start over.
            lock (Gate)
            {
                foreach (var stream in Waiting.ToArray())
                    while (stream.Queued.TryPeek(out var job))
                        Finish(job, e);
                _running = false;
            }
        }
    }

    private static void Finish(Job job, Exception? error)
    {
        lock (Gate)
        {
            var stream = job.Stream;
            stream.Queued.Dequeue(); // the head: a stream's jobs finish in order
            if (stream.Queued.Count == 0)
                Waiting.Remove(stream);
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
