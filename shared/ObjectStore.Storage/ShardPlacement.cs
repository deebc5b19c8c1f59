using System.IO.Hashing;
using System.Text;

namespace ObjectStore.Storage;

/// <summary>
/// Spreads the k+m shards of a piece of data round-robin over the zones, so each zone holds at
/// most ceil((k+m)/zones) shards; the profile is valid only when that is at most m (losing any
/// one zone loses at most m shards). The starting zone rotates with the data id so data shards,
/// the ones reads prefer, spread evenly. Computed once at write time and stored in the layout.
/// </summary>
public static class ShardPlacement
{
    /// <summary>The most shards one zone holds for <paramref name="totalShards"/> over <paramref name="zoneCount"/> zones.</summary>
    public static int MaxShardsPerZone(int totalShards, int zoneCount) => (totalShards + zoneCount - 1) / zoneCount;

    /// <summary>True when losing any one of <paramref name="zoneCount"/> zones loses at most m shards.</summary>
    public static bool SurvivesZoneLoss(int dataShards, int parityShards, int zoneCount) =>
        zoneCount > 0 && MaxShardsPerZone(dataShards + parityShards, zoneCount) <= parityShards;

    /// <summary>Zone index of each shard, shard order.</summary>
    public static int[] Place(string dataId, int totalShards, int zoneCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(zoneCount, 1);
        var start = (int)(XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(dataId)) % (ulong)zoneCount);
        var zones = new int[totalShards];
        for (var i = 0; i < totalShards; i++)
            zones[i] = (start + i) % zoneCount;
        return zones;
    }

    /// <summary>Shards a write needs durable to succeed: k when k &gt; m, k+1 otherwise (so two disjoint halves cannot both commit).</summary>
    public static int WriteQuorum(int dataShards, int parityShards) =>
        dataShards > parityShards ? dataShards : dataShards + 1;
}
