namespace ObjectStore.Erasure.Tests;

/// <summary>Test helpers: random stripes, loss patterns, encode and damage.</summary>
internal static class ShardSet
{
    public static byte[][] RandomData(int shards, int length, int seed)
    {
        var random = new Random(seed);
        var data = new byte[shards][];
        for (int i = 0; i < shards; i++)
        {
            data[i] = new byte[length];
            random.NextBytes(data[i]);
        }
        return data;
    }

    /// <summary>Data followed by freshly encoded parity.</summary>
    public static byte[][] Encode(IErasureCodec codec, byte[][] data)
    {
        int m = codec.Profile.ParityShards;
        var parity = new byte[m][];
        for (int i = 0; i < m; i++)
            parity[i] = new byte[data[0].Length];
        codec.Encode(
            data.Select(d => (ReadOnlyMemory<byte>)d).ToArray(),
            parity.Select(p => (Memory<byte>)p).ToArray());
        return [.. data, .. parity];
    }

    /// <summary>A copy of <paramref name="shards"/> with the lost ones overwritten by junk.</summary>
    public static byte[][] Damage(byte[][] shards, IReadOnlyCollection<int> lost, int seed)
    {
        var random = new Random(seed);
        var copy = shards.Select(s => s.ToArray()).ToArray();
        foreach (int index in lost)
            random.NextBytes(copy[index]);
        return copy;
    }

    public static void Reconstruct(IErasureCodec codec, byte[][] shards, IReadOnlyCollection<int> lost)
    {
        var present = Enumerable.Range(0, shards.Length).Select(i => !lost.Contains(i)).ToArray();
        codec.Reconstruct(shards.Select(s => (Memory<byte>)s).ToArray(), present);
    }

    /// <summary>Every subset of 1..<paramref name="maxLost"/> shard indices out of <paramref name="total"/>.</summary>
    public static IEnumerable<int[]> AllLossPatterns(int total, int maxLost)
    {
        for (int mask = 1; mask < 1 << total; mask++)
        {
            if (System.Numerics.BitOperations.PopCount((uint)mask) > maxLost)
                continue;
            yield return Enumerable.Range(0, total).Where(i => (mask >> i & 1) != 0).ToArray();
        }
    }

    public static int[] RandomLossPattern(Random random, int total, int lostCount) =>
        Enumerable.Range(0, total).OrderBy(_ => random.Next()).Take(lostCount).Order().ToArray();
}
