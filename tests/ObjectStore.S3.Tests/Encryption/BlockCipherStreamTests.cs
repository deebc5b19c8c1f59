using System.Security.Cryptography;
using ObjectStore.Objects.Encryption;

namespace ObjectStore.S3.Tests.Encryption;

public sealed class BlockCipherStreamTests
{
    private const int B = BlockFormat.BlockSize;
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    public static TheoryData<int> Sizes => new(0, 1, B - 1, B, B + 1, 5 * B + 123, 8 * B);

    private static byte[] Plaintext(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Seals through the encrypting stream, reading it in odd-sized pieces (as a data store may).</summary>
    private static (byte[] Sealed, EncryptingStream Stream) Seal(byte[] plain, byte[]? key = null)
    {
        var stream = new EncryptingStream(new MemoryStream(plain), key ?? Key);
        var output = new MemoryStream();
        var buffer = new byte[7777];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            output.Write(buffer, 0, n);
        return (output.ToArray(), stream);
    }

    private static async Task<byte[]> OpenAsync(byte[] sealedBytes, long plainLength, long offset, long length, byte[]? key = null)
    {
        var range = BlockFormat.Map(plainLength, offset, length);
        var output = new MemoryStream();
        await using (var opening = new DecryptingStream(output, key ?? Key, plainLength, range, length))
        {
            // Written in pieces that straddle block boundaries, as shards deliver them.
            var slice = sealedBytes.AsMemory((int)range.Offset, (int)range.Length);
            for (var i = 0; i < slice.Length; i += 10_000)
                await opening.WriteAsync(slice[i..Math.Min(slice.Length, i + 10_000)]);
            opening.EnsureComplete();
        }
        return output.ToArray();
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Round_trip_gives_the_plaintext_back_with_its_md5_and_length(int size)
    {
        var plain = Plaintext(size);
        var (sealedBytes, stream) = Seal(plain);

        Assert.Equal(BlockFormat.CiphertextLength(size), sealedBytes.Length);
        Assert.Equal(size, stream.PlaintextLength);
        Assert.Equal(MD5.HashData(plain), stream.PlaintextMd5);
        if (size > 0)
            Assert.Equal(plain, await OpenAsync(sealedBytes, size, 0, size));
    }

    [Fact]
    public void Sealed_bytes_are_not_the_plaintext_and_differ_under_another_key()
    {
        var plain = new byte[3 * B];
        var (a, _) = Seal(plain);
        var (b, _) = Seal(plain, RandomNumberGenerator.GetBytes(32));

        Assert.DoesNotContain(a.Chunk(B + BlockFormat.TagSize), block => block.Take(B).All(x => x == 0));
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(B - 1, 2)]
    [InlineData(B, B)]
    [InlineData(10, 3 * B)]
    [InlineData(5 * B + 100, 23)]
    [InlineData(2 * B - 5, 3 * B + 128)]
    public async Task A_range_reads_only_the_blocks_it_touches_and_gives_exactly_its_bytes(long offset, long length)
    {
        var size = 5 * B + 123;
        var plain = Plaintext(size);
        var (sealedBytes, _) = Seal(plain);
        var range = BlockFormat.Map(size, offset, length);

        Assert.Equal(offset / B, range.FirstBlock);
        Assert.Equal(range.FirstBlock * (B + BlockFormat.TagSize), range.Offset);
        var lastBlock = (offset + length - 1) / B;
        Assert.Equal(lastBlock - range.FirstBlock + 1, (range.Length + B + BlockFormat.TagSize - 1) / (B + BlockFormat.TagSize));
        Assert.Equal(plain.AsSpan((int)offset, (int)length).ToArray(), await OpenAsync(sealedBytes, size, offset, length));
    }

    [Fact]
    public async Task A_flipped_byte_fails_authentication()
    {
        var plain = Plaintext(3 * B);
        var (sealedBytes, _) = Seal(plain);
        sealedBytes[B + BlockFormat.TagSize + 17] ^= 1;

        await Assert.ThrowsAsync<EncryptedDataException>(() => OpenAsync(sealedBytes, plain.Length, 0, plain.Length));
        // The untouched first block still opens alone.
        Assert.Equal(plain[..B], await OpenAsync(sealedBytes, plain.Length, 0, B));
    }

    [Fact]
    public async Task Swapped_blocks_fail_authentication()
    {
        var plain = Plaintext(3 * B);
        var (sealedBytes, _) = Seal(plain);
        const int S = B + BlockFormat.TagSize;
        var swapped = sealedBytes.ToArray();
        sealedBytes.AsSpan(0, S).CopyTo(swapped.AsSpan(S));
        sealedBytes.AsSpan(S, S).CopyTo(swapped.AsSpan(0));

        await Assert.ThrowsAsync<EncryptedDataException>(() => OpenAsync(swapped, plain.Length, 0, plain.Length));
    }

    [Fact]
    public async Task Truncation_at_a_block_boundary_is_detected_by_the_last_block_flag()
    {
        var plain = Plaintext(3 * B);
        var (sealedBytes, _) = Seal(plain);
        var truncated = sealedBytes[..(2 * (B + BlockFormat.TagSize))];

        // Presented as a 2-block object, the second block is not marked last.
        await Assert.ThrowsAsync<EncryptedDataException>(() => OpenAsync(truncated, 2 * B, 0, 2 * B));
        // Presented at its true size, bytes are missing.
        await Assert.ThrowsAsync<EncryptedDataException>(async () =>
        {
            var range = BlockFormat.Map(plain.Length, 0, plain.Length);
            await using var opening = new DecryptingStream(new MemoryStream(), Key, plain.Length, range, plain.Length);
            await opening.WriteAsync(truncated);
            opening.EnsureComplete();
        });
    }

    [Fact]
    public async Task Another_key_fails_authentication()
    {
        var plain = Plaintext(B + 1);
        var (sealedBytes, _) = Seal(plain);

        await Assert.ThrowsAsync<EncryptedDataException>(() => OpenAsync(sealedBytes, plain.Length, 0, plain.Length, RandomNumberGenerator.GetBytes(32)));
    }

    [Fact]
    public void Derived_keys_differ_per_context_and_per_part()
    {
        var root = RandomNumberGenerator.GetBytes(32);
        var a = DataKeys.ObjectKey(root, "data-a");

        Assert.NotEqual(a, DataKeys.ObjectKey(root, "data-b"));
        Assert.Equal(a, DataKeys.ObjectKey(root, "data-a"));
        Assert.NotEqual(DataKeys.PartKey(a, "part-1"), DataKeys.PartKey(a, "part-1-again"));
    }

    [Fact]
    public void Encryption_records_round_trip_and_refuse_unknown_formats()
    {
        var record = new ObjectEncryption(SseKind.Customer, "ctx", "bWQ1");
        Assert.Equal(record, ObjectEncryption.Parse(record.Serialize()));
        Assert.Null(ObjectEncryption.Parse(null));
        Assert.Throws<FormatException>(() => ObjectEncryption.Parse("sse9;AES256;ctx;x"));
    }
}
