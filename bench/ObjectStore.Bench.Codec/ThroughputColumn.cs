using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using ObjectStore.Erasure;

namespace ObjectStore.Bench.Codec;

/// <summary>GB/s of data input: k * shard size / median time (the median shrugs off other processes on a shared machine) (bytes per nanosecond is GB/s).</summary>
internal sealed class ThroughputColumn : IColumn
{
    public string Id => nameof(ThroughputColumn);

    public string ColumnName => "GB/s (k*shard/time)";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Data input throughput per core: k * ShardSize / Median, in 10^9 bytes per second";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        if (statistics is null)
            return "-";
        var profile = ErasureProfile.Parse((string)benchmarkCase.Parameters[nameof(CodecBenchmarks.Profile)]);
        int shardSize = (int)benchmarkCase.Parameters[nameof(CodecBenchmarks.ShardSize)];
        double bytes = (double)profile.DataShards * shardSize;
        return (bytes / statistics.Median).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
