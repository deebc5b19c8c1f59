using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using ObjectStore.Bench.Codec;

// `quick` / `quick-all`: thread-CPU-time comparison for tuning. Anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] is "quick" or "quick-all")
{
    // Optional filters: quick 8+4,10+4 65536,1048576
    QuickRun.Run(
        allKernels: args[0] == "quick-all",
        profiles: args.Length > 1 ? args[1].Split(',') : null,
        shardSizes: args.Length > 2 ? args[2].Split(',').Select(int.Parse).ToArray() : null);
    return;
}

// `write-path [rounds] [directory]`: the data store's write of 64 MiB objects next to its floor (WritePathRun).
if (args.Length > 0 && args[0] == "write-path")
{
    await WritePathRun.RunAsync(args.Length > 2 ? args[2] : null, args.Length > 1 ? int.Parse(args[1]) : 8);
    return;
}

// `md5 [streams] [MiB per stream] [rounds]`: the MD5 of PUTs and parts, platform against the data store's lanes (Md5Run).
if (args.Length > 0 && args[0] == "md5")
{
    await Md5Run.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 8, args.Length > 2 ? int.Parse(args[2]) : 64, args.Length > 3 ? int.Parse(args[3]) : 3);
    return;
}

// Short job, in process (no per-benchmark project build): the full matrix runs in a few minutes.
var config = DefaultConfig.Instance
    .AddJob(Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithLaunchCount(1)
        .WithWarmupCount(3)
        .WithIterationCount(8)
        .WithId("ShortInProcess"))
    .AddColumn(new ThroughputColumn())
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(CodecBenchmarks).Assembly).Run(args, config);
