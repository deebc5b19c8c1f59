using System.Diagnostics;
using System.IO.Hashing;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ObjectStore.Erasure;
using ObjectStore.Storage;
using ObjectStore.Storage.Disk;

namespace ObjectStore.Bench.Codec;

/// <summary>
/// `write-path`: the data store's share of a large PUT without HTTP: 64 MiB objects written through
/// <see cref="ErasureObjectDataStore"/> (4+2 over three disk zones, 1 MiB blocks, fsync and rename as in
/// the server) from an in-memory source, next to the floor that any such write must spend: the MD5
/// for the ETag, the encode and block checksums, and the page-cache writes of the shards. CPU is the
/// process's (all threads: the write hashes, encodes and writes on several); best and median of the rounds.
/// </summary>
internal static class WritePathRun
{
    private const int Size = 64 * 1024 * 1024;

    public static async Task RunAsync(string? directory, int rounds)
    {
        var root = Path.Combine(directory ?? Path.GetTempPath(), "write-path-" + Environment.ProcessId);
        Directory.CreateDirectory(root);
        var zones = new[] { "zone-a", "zone-b", "zone-c" }.Select(z => (IShardStore)new DiskShardStore(z, Directory.CreateDirectory(Path.Combine(root, z)).FullName)).ToArray();
        var store = new ErasureObjectDataStore(zones, Options.Create(new ErasureDataStoreOptions { DataRoot = root }),
            NullLogger<ErasureObjectDataStore>.Instance);
        var body = new byte[Size];
        new Random(7).NextBytes(body);
        try
        {
            Console.WriteLine($"64 MiB writes, 4+2 over 3 disk zones under {root}, {rounds} rounds (first 2 not counted: JIT)");
            var write = await MeasureAsync(rounds, async () =>
            {
                var stored = await store.WriteAsync(new ChunkedSource(body), new DataWriteRequest(Guid.NewGuid().ToString("N"), "STANDARD"), CancellationToken.None);
                await store.DeleteAsync(stored.Layout, CancellationToken.None);
            });
            Report("data store write (MD5, encode, checksums, shard writes, fsync, rename) + delete", write);
            Report("MD5 of 64 MiB", await MeasureAsync(rounds, () => { MD5.HashData(body); return Task.CompletedTask; }));
            var codec = ReedSolomonCodec.Create(new ErasureProfile(4, 2));
            var parity = new[] { new byte[1 << 20], new byte[1 << 20] };
            var checksum = new byte[16];
            Report("encode + XxHash128 of 16 stripes (96 MiB of blocks)", await MeasureAsync(rounds, () =>
            {
                for (var s = 0; s < 16; s++)
                {
                    var data = Enumerable.Range(0, 4).Select(i => (ReadOnlyMemory<byte>)body.AsMemory((s * 4 + i) << 20, 1 << 20)).ToArray();
                    codec.Encode(data, parity.Select(p => (Memory<byte>)p).ToArray());
                    foreach (var block in data.Append(parity[0]).Append(parity[1]))
                        XxHash128.Hash(block.Span, checksum, s);
                }
                return Task.CompletedTask;
            }));
            Report("page cache: 96 MiB written to 6 new files (1 MiB writes, no fsync) + delete", await MeasureAsync(rounds, () =>
            {
                Directory.CreateDirectory(root);
                Parallel.For(0, 6, i =>
                {
                    var path = Path.Combine(root, $"plain-{i}");
                    using (var handle = File.OpenHandle(path, FileMode.Create, FileAccess.Write))
                        for (var s = 0; s < 16; s++)
                            RandomAccess.Write(handle, body.AsSpan(((s * 6 + i) % 64) << 20, 1 << 20), (long)s << 20);
                    File.Delete(path);
                });
                return Task.CompletedTask;
            }));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<(double CpuBest, double CpuMedian, double WallBest, double WallMedian)> MeasureAsync(int rounds, Func<Task> action)
    {
        var cpu = new List<double>();
        var wall = new List<double>();
        for (var r = 0; r < rounds + 2; r++)
        {
            var c0 = Environment.CpuUsage.TotalTime;
            var w = Stopwatch.StartNew();
            await action();
            if (r < 2)
                continue;
            wall.Add(w.Elapsed.TotalMilliseconds);
            cpu.Add((Environment.CpuUsage.TotalTime - c0).TotalMilliseconds);
        }
        cpu.Sort();
        wall.Sort();
        return (cpu[0], cpu[cpu.Count / 2], wall[0], wall[wall.Count / 2]);
    }

    private static void Report(string what, (double CpuBest, double CpuMedian, double WallBest, double WallMedian) r) =>
        Console.WriteLine($"| {what} | {r.CpuBest:F0} / {r.CpuMedian:F0} ms | {r.WallBest:F0} / {r.WallMedian:F0} ms |");

    /// <summary>The body as a socket delivers it: copied out in reads of at most 64 KiB.</summary>
    private sealed class ChunkedSource(byte[] body) : Stream
    {
        private int _position;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(Math.Min(buffer.Length, 64 * 1024), body.Length - _position);
            body.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => body.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
