using System.Diagnostics;
using System.Security.Cryptography;
using ObjectStore.Storage.Hashing;

namespace ObjectStore.Bench.Codec;

/// <summary>
/// `md5 [streams] [MiB per stream] [rounds]`: the MD5 of every PUT and part, as the platform computes it (OpenSSL,
/// one stream per thread) and in the data store's lanes (<see cref="Md5Lanes"/>, streams side by side in 512-bit
/// vectors), for one stream alone and for several at once, in 4 MiB appends as the write path makes them.
/// Prints process CPU time and wall time per GiB hashed, best of the rounds.
/// </summary>
internal static class Md5Run
{
    private const int Append = 4 * 1024 * 1024;

    public static async Task RunAsync(int streams, int mibPerStream, int rounds)
    {
        var bodies = Enumerable.Range(0, streams).Select(s =>
        {
            var body = new byte[mibPerStream * 1024 * 1024];
            new Random(s).NextBytes(body);
            return body;
        }).ToArray();
        Console.WriteLine($"MD5 of {streams} x {mibPerStream} MiB, {Environment.ProcessorCount} cores, lanes in hardware: {Md5Blocks.LanesSupported}");
        Console.WriteLine("| Case | CPU per GiB | Wall per GiB |");
        Console.WriteLine("|---|---|---|");
        await Report("one stream, platform (OpenSSL)", bodies[..1], rounds, body => Task.FromResult(Platform(body)));
        await Report("one stream, lanes", bodies[..1], rounds, Lanes);
        await Report($"{streams} streams at once, platform (OpenSSL)", bodies, rounds, body => Task.Run(() => Platform(body)));
        await Report($"{streams} streams at once, lanes", bodies, rounds, body => Task.Run(() => Lanes(body)));
    }

    private static byte[] Platform(byte[] body)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        for (var offset = 0; offset < body.Length; offset += Append)
            md5.AppendData(body, offset, Math.Min(Append, body.Length - offset));
        return md5.GetHashAndReset();
    }

    private static async Task<byte[]> Lanes(byte[] body)
    {
        // As a write does: each append is flushed just before the next one (there, once the next stripe arrived).
        var md5 = new Md5Stream();
        for (var offset = 0; offset < body.Length; offset += Append)
        {
            await Md5Lanes.FlushAsync(md5);
            Md5Lanes.Append(md5, body.AsMemory(offset, Math.Min(Append, body.Length - offset)));
        }
        await Md5Lanes.FlushAsync(md5);
        return md5.GetHashAndReset();
    }

    private static async Task Report(string name, byte[][] bodies, int rounds, Func<byte[], Task<byte[]>> hash)
    {
        var expected = bodies.Select(MD5.HashData).ToArray();
        double bestCpu = double.MaxValue, bestWall = double.MaxValue;
        var gib = bodies.Sum(b => (double)b.Length) / (1 << 30);
        for (var round = 0; round < rounds + 1; round++)
        {
            var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            var digests = await Task.WhenAll(bodies.Select(hash));
            wall.Stop();
            process.Refresh();
            var cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
            for (var i = 0; i < bodies.Length; i++)
                if (!digests[i].AsSpan().SequenceEqual(expected[i]))
                    throw new InvalidOperationException($"{name}: stream {i} hashed wrong");
            if (round == 0)
                continue; // JIT
            bestCpu = Math.Min(bestCpu, cpuSeconds / gib);
            bestWall = Math.Min(bestWall, wall.Elapsed.TotalSeconds / gib);
        }
        Console.WriteLine($"| {name} | {bestCpu * 1000:F0} ms | {bestWall * 1000:F0} ms |");
    }
}
