using ObjectStore.Erasure.Kernels;

namespace ObjectStore.Erasure.Tests;

/// <summary>Every kernel this CPU supports must produce exactly the scalar kernel's bytes.</summary>
public sealed class KernelEquivalenceTests
{
    /// <summary>Ragged lengths around every vector width, plus lengths past the 16 KiB slice.</summary>
    private static readonly int[] Lengths = [1, 15, 16, 31, 32, 33, 63, 64, 65, 127, 1000, 4097, 16 * 1024 + 1, 40_000];

    public static TheoryData<GaloisKernel> Kernels() => new(ReedSolomonCodec.SupportedKernels);

    [Fact]
    public void Scalar_is_always_supported_and_the_best_kernel_is_among_the_supported()
    {
        Assert.Contains(GaloisKernel.Scalar, ReedSolomonCodec.SupportedKernels);
        Assert.Contains(ReedSolomonCodec.BestKernel, ReedSolomonCodec.SupportedKernels);
        Assert.Equal(ReedSolomonCodec.BestKernel, ReedSolomonCodec.Create(ErasureProfile.Create(4, 2)).Kernel);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Encode_matches_scalar_for_ragged_lengths_and_many_profiles(GaloisKernel kernel)
    {
        (int k, int m)[] profiles = [(1, 1), (4, 2), (8, 4), (10, 4), (12, 4), (16, 8), (3, 5), (16, 1)];
        foreach (var (k, m) in profiles)
        {
            var profile = ErasureProfile.Create(k, m);
            var scalar = ReedSolomonCodec.Create(profile, GaloisKernel.Scalar);
            var vector = ReedSolomonCodec.Create(profile, kernel);
            foreach (int length in Lengths)
            {
                var data = ShardSet.RandomData(k, length, seed: length * 31 + k * 7 + m);
                var expected = ShardSet.Encode(scalar, data);
                var actual = ShardSet.Encode(vector, data);
                for (int i = k; i < k + m; i++)
                    Assert.True(expected[i].AsSpan().SequenceEqual(actual[i]), $"{kernel} {profile} length {length}: parity {i - k} differs");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Encode_matches_the_independent_reference(GaloisKernel kernel)
    {
        var codec = ReedSolomonCodec.Create(ErasureProfile.Create(10, 4), kernel);
        var data = ShardSet.RandomData(10, 4097, seed: 99);

        var shards = ShardSet.Encode(codec, data);

        for (int p = 0; p < 4; p++)
            Assert.Equal(ReferenceCode.Parity(data, p), shards[10 + p]);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Every_loss_pattern_of_4_2_and_8_4_rebuilds_original_bytes(GaloisKernel kernel)
    {
        foreach (var (k, m) in new[] { (4, 2), (8, 4) })
        {
            var codec = ReedSolomonCodec.Create(ErasureProfile.Create(k, m), kernel);
            foreach (int length in new[] { 63, 1000, 4097 })
            {
                var original = ShardSet.Encode(codec, ShardSet.RandomData(k, length, seed: length + k));
                int seed = 0;
                foreach (var lost in ShardSet.AllLossPatterns(k + m, m))
                {
                    var damaged = ShardSet.Damage(original, lost, seed++);
                    ShardSet.Reconstruct(codec, damaged, lost);
                    AssertSameShards(original, damaged, $"{kernel} {k}+{m} length {length} lost [{string.Join(',', lost)}]");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Random_loss_patterns_of_wide_profiles_rebuild_original_bytes(GaloisKernel kernel)
    {
        var random = new Random(12345);
        foreach (var (k, m) in new[] { (10, 4), (12, 4), (16, 8), (16, 4) })
        {
            var codec = ReedSolomonCodec.Create(ErasureProfile.Create(k, m), kernel);
            foreach (int length in new[] { 1, 65, 4097, 40_000 })
            {
                var original = ShardSet.Encode(codec, ShardSet.RandomData(k, length, seed: length * k + m));
                for (int trial = 0; trial < 12; trial++)
                {
                    // Always include the full-loss case: it is the slowest and most demanding.
                    int lostCount = trial == 0 ? m : random.Next(1, m + 1);
                    var lost = ShardSet.RandomLossPattern(random, k + m, lostCount);
                    var damaged = ShardSet.Damage(original, lost, seed: trial);
                    ShardSet.Reconstruct(codec, damaged, lost);
                    AssertSameShards(original, damaged, $"{kernel} {k}+{m} length {length} lost [{string.Join(',', lost)}]");
                }
            }
        }
    }

    private static void AssertSameShards(byte[][] expected, byte[][] actual, string context)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(expected[i].AsSpan().SequenceEqual(actual[i]), $"{context}: shard {i} differs");
    }
}
