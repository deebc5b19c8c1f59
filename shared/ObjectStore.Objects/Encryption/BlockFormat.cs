using System.Buffers.Binary;

namespace ObjectStore.Objects.Encryption;

/// <summary>
/// The stored form of encrypted data (format 1): the plaintext is cut into blocks of
/// <see cref="BlockSize"/> bytes (the last may be shorter, and an empty plaintext is one empty block);
/// each block is sealed with AES-256-GCM into its ciphertext followed by a 16-byte tag. The nonce is
/// the block index (the key is unique per piece of data, so a nonce never repeats under one key); the
/// associated data binds the block index and a last-block flag, so reordered, swapped, dropped or
/// truncated blocks fail authentication.
/// </summary>
internal static class BlockFormat
{
    public const int BlockSize = 64 * 1024;
    public const int TagSize = 16;
    public const int NonceSize = 12;
    public const int AssociatedDataSize = 9;
    public const int SealedBlockSize = BlockSize + TagSize;

    /// <summary>Blocks of a plaintext of <paramref name="plainLength"/> bytes (at least one).</summary>
    public static long BlockCount(long plainLength) => plainLength == 0 ? 1 : (plainLength + BlockSize - 1) / BlockSize;

    /// <summary>Stored bytes of a plaintext of <paramref name="plainLength"/> bytes.</summary>
    public static long CiphertextLength(long plainLength) => plainLength + BlockCount(plainLength) * TagSize;

    /// <summary>Plaintext bytes of block <paramref name="index"/>.</summary>
    public static int PlainBlockLength(long plainLength, long index) => (int)Math.Min(BlockSize, plainLength - index * BlockSize);

    public static void Nonce(Span<byte> nonce, long index)
    {
        nonce.Clear();
        BinaryPrimitives.WriteInt64BigEndian(nonce[4..], index);
    }

    public static void AssociatedData(Span<byte> associatedData, long index, bool last)
    {
        BinaryPrimitives.WriteInt64BigEndian(associatedData, index);
        associatedData[8] = last ? (byte)1 : (byte)0;
    }

    /// <summary>
    /// The stored bytes a plaintext range [offset, offset + length) needs: whole sealed blocks from the
    /// first block it touches to the last, and where the range starts inside the first block.
    /// </summary>
    public static CipherRange Map(long plainLength, long offset, long length)
    {
        if (offset < 0 || length <= 0 || offset + length > plainLength)
            throw new ArgumentOutOfRangeException(nameof(length), $"Range {offset}+{length} is not inside a plaintext of {plainLength} bytes.");
        var first = offset / BlockSize;
        var last = (offset + length - 1) / BlockSize;
        var cipherOffset = first * SealedBlockSize;
        var cipherEnd = last * SealedBlockSize + PlainBlockLength(plainLength, last) + TagSize;
        return new CipherRange(cipherOffset, cipherEnd - cipherOffset, first, (int)(offset - first * BlockSize));
    }
}

/// <param name="Offset">First stored byte to read.</param>
/// <param name="Length">Stored bytes to read (whole sealed blocks).</param>
/// <param name="FirstBlock">Index of the first block read.</param>
/// <param name="Skip">Plaintext bytes of the first block before the range.</param>
internal readonly record struct CipherRange(long Offset, long Length, long FirstBlock, int Skip);
