using ObjectStore.Erasure.Kernels;

namespace ObjectStore.Erasure.Tests;

public sealed class ScalarRoundTripTests
{
    [Theory]
    [InlineData(4, 2, 1000)]
    [InlineData(8, 4, 4097)]
    [InlineData(1, 1, 31)]
    [InlineData(16, 8, 65)]
    public void Parity_matches_the_cauchy_definition(int k, int m, int length)
    {
        var codec = ReedSolomonCodec.Create(ErasureProfile.Create(k, m), GaloisKernel.Scalar);
        var data = ShardSet.RandomData(k, length, seed: k * 100 + m);

        var shards = ShardSet.Encode(codec, data);

        for (int p = 0; p < m; p++)
            Assert.Equal(ReferenceCode.Parity(data, p), shards[k + p]);
    }

    [Theory]
    [InlineData(4, 2)]
    [InlineData(8, 4)]
    public void Every_loss_pattern_up_to_m_shards_rebuilds_original_bytes(int k, int m)
    {
        var codec = ReedSolomonCodec.Create(ErasureProfile.Create(k, m), GaloisKernel.Scalar);
        var original = ShardSet.Encode(codec, ShardSet.RandomData(k, 1000, seed: 7));
        int patterns = 0;

        foreach (var lost in ShardSet.AllLossPatterns(k + m, m))
        {
            var damaged = ShardSet.Damage(original, lost, seed: patterns++);
            ShardSet.Reconstruct(codec, damaged, lost);
            for (int i = 0; i < k + m; i++)
                Assert.True(original[i].AsSpan().SequenceEqual(damaged[i]), $"shard {i} differs after losing [{string.Join(',', lost)}]");
        }
        Assert.True(patterns > k + m);
    }
}
