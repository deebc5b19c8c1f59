using ObjectStore.Erasure.Kernels;

namespace ObjectStore.Erasure.Tests;

/// <summary>
/// On this CPU every kernel keeps all m &lt;= 8 outputs in one pass, so the sliced multi-pass path
/// (used by 256-bit GFNI without AVX-512) would go untested; kernels built narrow reach it here.
/// </summary>
public sealed class MultiPassTests
{
    public static TheoryData<GaloisKernel, int> NarrowKernels()
    {
        var data = new TheoryData<GaloisKernel, int>();
        foreach (var kernel in ReedSolomonCodec.SupportedKernels.Where(k => k != GaloisKernel.Scalar))
            foreach (int rows in new[] { 1, 3, 5 })
                data.Add(kernel, rows);
        return data;
    }

    [Theory]
    [MemberData(nameof(NarrowKernels))]
    public void Narrow_passes_encode_and_rebuild_the_same_bytes_as_scalar(GaloisKernel kernel, int rowsPerPass)
    {
        var profile = ErasureProfile.Create(16, 8);
        var scalar = ReedSolomonCodec.Create(profile, GaloisKernel.Scalar);
        var narrow = ReedSolomonCodec.Create(profile, KernelCatalog.CreateNarrow(kernel, rowsPerPass));
        var random = new Random(rowsPerPass);

        foreach (int length in new[] { 100, 16 * 1024 * 3 + 17 })
        {
            var data = ShardSet.RandomData(16, length, seed: length + rowsPerPass);
            var expected = ShardSet.Encode(scalar, data);
            var actual = ShardSet.Encode(narrow, data);
            for (int i = 16; i < 24; i++)
                Assert.True(expected[i].AsSpan().SequenceEqual(actual[i]), $"{kernel}/{rowsPerPass} length {length}: parity {i - 16} differs");

            var lost = ShardSet.RandomLossPattern(random, 24, 8);
            var damaged = ShardSet.Damage(expected, lost, seed: 5);
            ShardSet.Reconstruct(narrow, damaged, lost);
            for (int i = 0; i < 24; i++)
                Assert.True(expected[i].AsSpan().SequenceEqual(damaged[i]), $"{kernel}/{rowsPerPass} length {length}: shard {i} not rebuilt");
        }
    }
}
