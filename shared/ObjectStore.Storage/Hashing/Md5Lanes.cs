using System.Buffers;

namespace ObjectStore.Storage.Hashing;

/// <summary>
/// Hashes the whole blocks of concurrent MD5 streams together, sixteen to a 512-bit vector
/// (<see cref="Md5Blocks.CompressLanes"/>). Every PUT and part computes the MD5 of its body (the ETag), and MD5
/// was 45 % of the host's CPU in a multipart upload of eight parts at a time; one stream is strictly sequential,
/// but eight streams side by side fill half a vector each block. One worker on the thread pool takes what is
/// queued, runs the streams in lockstep a slice at a time (so a stream queued later joins at the next slice), and
/// completes each append once its blocks are through; a stream hashing alone runs the scalar function.
/// Without 512-bit vectors every append is hashed on its caller's thread.
/// </summary>
internal static class Md5Lanes
{
    /// <summary>Blocks per lane between two looks at the queue (64 KiB).</summary>
    private const int SliceBlocks = 1024;

    private static readonly object Gate = new();
    private static readonly Queue<Job> Queue = new();
    private static bool _running;

    /// <summary>Appends <paramref name="data"/> to <paramref name="stream"/>; the memory must stay untouched until the task ends.</summary>
    public static Task AppendAsync(Md5Stream stream, ReadOnlyMemory<byte> data)
    {
        var blocks = stream.Absorb(data);
        if (blocks.IsEmpty)
            return Task.CompletedTask;
        if (!Md5Blocks.LanesSupported)
        {
            Md5Blocks.Compress(stream.State, blocks.Span);
            return Task.CompletedTask;
        }
        var job = new Job(stream, blocks);
        lock (Gate)
        {
            Queue.Enqueue(job);
            if (!_running)
            {
                _running = true;
                ThreadPool.UnsafeQueueUserWorkItem(static _ => Work(), null);
            }
        }
        return job.Done.Task;
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
                lock (Gate)
                {
                    while (active.Count < Md5Blocks.Lanes && Queue.TryDequeue(out var queued))
                        active.Add(queued);
                    if (active.Count == 0)
                    {
                        _running = false;
                        return;
                    }
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
                for (var l = active.Count - 1; l >= 0; l--)
                    if (active[l].RemainingBlocks == 0)
                    {
                        active[l].Complete();
                        active.RemoveAt(l);
                    }
            }
        }
        catch (Exception e)
        {
            // Not expected (the blocks are pinned and whole): fail what was taken and let the next append start over.
            foreach (var job in active)
                job.Fail(e);
            lock (Gate)
            {
                while (Queue.TryDequeue(out var queued))
                    queued.Fail(e);
                _running = false;
            }
        }
    }

    private sealed unsafe class Job(Md5Stream stream, ReadOnlyMemory<byte> blocks)
    {
        private readonly MemoryHandle _pin = blocks.Pin();
        private int _done;

        public Md5Stream Stream => stream;
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int RemainingBlocks => blocks.Length / Md5Blocks.BlockSize - _done;
        public byte* Next => (byte*)_pin.Pointer + (long)_done * Md5Blocks.BlockSize;

        public void Advance(int count) => _done += count;

        public void CompressAlone(int count)
        {
            Md5Blocks.Compress(stream.State, new ReadOnlySpan<byte>(Next, count * Md5Blocks.BlockSize));
            _done += count;
        }

        public void Complete()
        {
            _pin.Dispose();
            Done.TrySetResult();
        }

        public void Fail(Exception e)
        {
            _pin.Dispose();
            Done.TrySetException(e);
        }
    }
}
