using System.IO.Hashing;

namespace ObjectStore.Storage;

/// <summary>
/// The XxHash128 that follows every block. Seeded with the stripe number, so a block written at
/// the wrong offset fails verification like a corrupt one.
/// </summary>
public static class BlockChecksum
{
    public static void Compute(ReadOnlySpan<byte> block, long stripe, Span<byte> checksum) =>
        XxHash128.Hash(block, checksum, stripe);

    public static bool Verify(ReadOnlySpan<byte> block, long stripe, ReadOnlySpan<byte> checksum)
    {
        Span<byte> expected = stackalloc byte[ShardGeometry.ChecksumSize];
        XxHash128.Hash(block, expected, stripe);
        return expected.SequenceEqual(checksum);
    }
}
