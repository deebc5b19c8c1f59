using System.Diagnostics;
using ObjectStore.Erasure;

namespace ObjectStore.Bench.Codec;

/// <summary>
/// A fast thread-CPU-time comparison (best of several timed rounds) for tuning and for comparing every
/// kernel; the numbers to quote come from the BenchmarkDotNet run.
/// </summary>
internal static class QuickRun
{
    public static void Run(bool allKernels, string[]? profiles = null, int[]? shardSizes = null)
    {
        var kernels = allKernels ? ReedSolomonCodec.SupportedKernels.Reverse().ToArray() : [ReedSolomonCodec.BestKernel];
        Console.WriteLine($"{"profile",-7} {"shard",7} {"kernel",-8} {"ours enc",9} {"isal enc",9} {"ratio",6} {"ours dec",9} {"isal dec",9} {"dec/enc",7}");
        foreach (var profile in profiles ?? ["4+2", "8+4", "10+4"])
            foreach (int shardSize in shardSizes ?? [64 * 1024, 1024 * 1024])
                foreach (var kernel in kernels)
                {
                    using var workload = new CodecWorkload(ErasureProfile.Parse(profile), shardSize, kernel);
                    var best = MeasureInterleaved(
                        [workload.OursEncode, workload.IsalEncode, workload.OursDecode, workload.IsalDecode], workload.DataBytes);
                    double oursEncode = best[0], isalEncode = best[1], oursDecode = best[2], isalDecode = best[3];
                    Console.WriteLine(
                        $"{profile,-7} {shardSize / 1024,6}K {kernel,-8} {oursEncode,9:F1} {isalEncode,9:F1} {oursEncode / isalEncode,6:F2} {oursDecode,9:F1} {isalDecode,9:F1} {oursDecode / oursEncode,7:F2}");
                }
    }

    /// <summary>
    /// GB/s of data input per second of this thread's CPU time, best of 15 rounds of about 20 ms
    /// per action. Rounds of the actions alternate so that cache pollution from other processes
    /// on a shared machine hits them alike.
    /// </summary>
    private static double[] MeasureInterleaved(Action[] actions, long bytesPerCall)
    {
        var perRound = new int[actions.Length];
        var watch = new Stopwatch();
        for (int a = 0; a < actions.Length; a++)
        {
            for (int i = 0; i < 10; i++)
                actions[a]();
            watch.Restart();
            int calls = 0;
            while (watch.ElapsedMilliseconds < 10)
            {
                actions[a]();
                calls++;
            }
            perRound[a] = Math.Max(1, calls * 2);
        }

        var best = new double[actions.Length];
        for (int round = 0; round < 15; round++)
            for (int a = 0; a < actions.Length; a++)
            {
                double started = ThreadClock.NowSeconds();
                for (int i = 0; i < perRound[a]; i++)
                    actions[a]();
                double seconds = ThreadClock.NowSeconds() - started;
                best[a] = Math.Max(best[a], (double)bytesPerCall * perRound[a] / seconds / 1e9);
            }
        return best;
    }
}
