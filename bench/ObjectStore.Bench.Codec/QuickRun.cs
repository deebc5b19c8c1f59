using System.Diagnostics;
using ObjectStore.Erasure;

namespace ObjectStore.Bench.Codec;

/// <summary>
/// A fast Stopwatch comparison (best of several timed rounds) for tuning and for comparing every
/// kernel; the numbers to quote come from the BenchmarkDotNet run.
/// </summary>
internal static class QuickRun
{
    public static void Run(bool allKernels)
    {
        var kernels = allKernels ? ReedSolomonCodec.SupportedKernels.Reverse().ToArray() : [ReedSolomonCodec.BestKernel];
        Console.WriteLine($"{"profile",-7} {"shard",7} {"kernel",-8} {"ours enc",9} {"isal enc",9} {"ratio",6} {"ours dec",9} {"isal dec",9} {"dec/enc",7}");
        foreach (var profile in new[] { "4+2", "8+4", "10+4" })
            foreach (int shardSize in new[] { 64 * 1024, 1024 * 1024 })
                foreach (var kernel in kernels)
                {
                    using var workload = new CodecWorkload(ErasureProfile.Parse(profile), shardSize, kernel);
                    double oursEncode = Measure(workload.OursEncode, workload.DataBytes);
                    double isalEncode = Measure(workload.IsalEncode, workload.DataBytes);
                    double oursDecode = Measure(workload.OursDecode, workload.DataBytes);
                    double isalDecode = Measure(workload.IsalDecode, workload.DataBytes);
                    Console.WriteLine(
                        $"{profile,-7} {shardSize / 1024,6}K {kernel,-8} {oursEncode,9:F1} {isalEncode,9:F1} {oursEncode / isalEncode,6:F2} {oursDecode,9:F1} {isalDecode,9:F1} {oursDecode / oursEncode,7:F2}");
                }
    }

    /// <summary>GB/s of data input, best of 7 rounds of about 50 ms each.</summary>
    private static double Measure(Action action, long bytesPerCall)
    {
        for (int i = 0; i < 20; i++)
            action();
        var watch = Stopwatch.StartNew();
        int calls = 0;
        while (watch.ElapsedMilliseconds < 20)
        {
            action();
            calls++;
        }
        int perRound = Math.Max(1, calls * 50 / 20);
        double best = 0;
        for (int round = 0; round < 7; round++)
        {
            watch.Restart();
            for (int i = 0; i < perRound; i++)
                action();
            best = Math.Max(best, (double)bytesPerCall * perRound / watch.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }
}
