using BenchmarkDotNet.Attributes;
using ObjectStore.Erasure;

namespace ObjectStore.Bench.Codec;

/// <summary>Encode and worst-case decode (m data shards lost), ours against ISA-L, one thread.</summary>
public class CodecBenchmarks
{
    private CodecWorkload? _workload;

    [Params("4+2", "8+4", "10+4")]
    public string Profile { get; set; } = "4+2";

    [Params(64 * 1024, 1024 * 1024)]
    public int ShardSize { get; set; }

    [GlobalSetup]
    public void Setup() => _workload = new CodecWorkload(ErasureProfile.Parse(Profile), ShardSize, ReedSolomonCodec.BestKernel);

    [GlobalCleanup]
    public void Cleanup() => _workload?.Dispose();

    [Benchmark(Description = "Ours encode")]
    public void OursEncode() => _workload!.OursEncode();

    [Benchmark(Description = "ISA-L encode")]
    public void IsalEncode() => _workload!.IsalEncode();

    [Benchmark(Description = "Ours decode")]
    public void OursDecode() => _workload!.OursDecode();

    [Benchmark(Description = "ISA-L decode")]
    public void IsalDecode() => _workload!.IsalDecode();
}
