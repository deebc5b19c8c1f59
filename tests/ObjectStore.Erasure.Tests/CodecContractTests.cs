namespace ObjectStore.Erasure.Tests;

public sealed class CodecContractTests
{
    [Fact]
    public void Reconstruct_with_fewer_than_k_shards_present_throws()
    {
        var codec = ReedSolomonCodec.Create(ErasureProfile.Create(4, 2));
        var shards = ShardSet.Encode(codec, ShardSet.RandomData(4, 100, seed: 1));

        var error = Assert.Throws<InvalidOperationException>(() => ShardSet.Reconstruct(codec, shards, [0, 1, 5]));
        Assert.Contains("3 of 6", error.Message);
    }

    [Fact]
    public void Encode_with_unequal_shard_lengths_throws()
    {
        var codec = ReedSolomonCodec.Create(ErasureProfile.Create(2, 1));
        ReadOnlyMemory<byte>[] data = [new byte[10], new byte[11]];
        Memory<byte>[] parity = [new byte[10]];

        Assert.Throws<ArgumentException>(() => codec.Encode(data, parity));
    }

    [Fact]
    public void Encode_with_wrong_shard_count_throws()
    {
        var codec = ReedSolomonCodec.Create(ErasureProfile.Create(4, 2));
        ReadOnlyMemory<byte>[] data = [new byte[10], new byte[10], new byte[10]];
        Memory<byte>[] parity = [new byte[10], new byte[10]];

        Assert.Throws<ArgumentException>(() => codec.Encode(data, parity));
    }

    [Fact]
    public void Profile_outside_supported_range_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReedSolomonCodec.Create(new ErasureProfile(17, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReedSolomonCodec.Create(new ErasureProfile(4, 9)));
    }

    [Fact]
    public void Reconstruct_with_nothing_missing_leaves_shards_untouched()
    {
        var codec = ReedSolomonCodec.Create(ErasureProfile.Create(4, 2));
        var shards = ShardSet.Encode(codec, ShardSet.RandomData(4, 100, seed: 2));
        var before = shards.Select(s => s.ToArray()).ToArray();

        ShardSet.Reconstruct(codec, shards, []);

        Assert.Equal(before, shards);
    }

    [Fact]
    public void Data_shards_pass_through_encoding_unchanged()
    {
        var codec = ReedSolomonCodec.Create(ErasureProfile.Create(4, 2));
        var data = ShardSet.RandomData(4, 100, seed: 3);
        var copy = data.Select(d => d.ToArray()).ToArray();

        var shards = ShardSet.Encode(codec, data);

        Assert.Equal(copy, shards.Take(4).ToArray());
    }

    [Fact]
    public void Concurrent_reconstructions_with_different_loss_patterns_all_succeed()
    {
        var codec = ReedSolomonCodec.Create(ErasureProfile.Create(8, 4));
        var original = ShardSet.Encode(codec, ShardSet.RandomData(8, 3000, seed: 4));
        var patterns = ShardSet.AllLossPatterns(12, 4).ToArray();
        int failures = 0;

        Parallel.For(0, patterns.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var damaged = ShardSet.Damage(original, patterns[i], seed: i);
            ShardSet.Reconstruct(codec, damaged, patterns[i]);
            for (int s = 0; s < 12; s++)
                if (!original[s].AsSpan().SequenceEqual(damaged[s]))
                    Interlocked.Increment(ref failures);
        });

        Assert.Equal(0, failures);
    }
}
