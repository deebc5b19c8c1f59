namespace ObjectStore.Storage;

/// <summary>
/// Where every block of a piece of data lives, derived from (k, m, block size, length) alone, so
/// the writer, the reader and a repair scan agree without storing offsets. See SHARD-FORMAT.md.
/// </summary>
public readonly record struct ShardGeometry(int DataShards, int ParityShards, int BlockSize, long Length)
{
    /// <summary>Block lengths are multiples of this (vector-friendly for the codec).</summary>
    public const int BlockAlignment = 64;

    /// <summary>Bytes of the XxHash128 checksum that follows every block.</summary>
    public const int ChecksumSize = 16;

    public int TotalShards => DataShards + ParityShards;

    /// <summary>Object bytes in one full stripe (k blocks).</summary>
    public long StripeDataBytes => (long)DataShards * BlockSize;

    public long StripeCount => Length == 0 ? 0 : (Length + StripeDataBytes - 1) / StripeDataBytes;

    /// <summary>
    /// Every stripe uses the full block size except the last, whose blocks shrink to the aligned
    /// ceiling of its bytes / k: a 4 KiB object in 4+2 costs six 1 KiB blocks, not six blocks of 1 MiB.
    /// </summary>
    public int LastBlockLength
    {
        get
        {
            if (Length == 0) return 0;
            var lastBytes = Length - (StripeCount - 1) * StripeDataBytes;
            var perBlock = (lastBytes + DataShards - 1) / DataShards;
            var aligned = (perBlock + BlockAlignment - 1) / BlockAlignment * BlockAlignment;
            return (int)Math.Min(aligned, BlockSize);
        }
    }

    public static ShardGeometry Of(DataLayout layout) =>
        new(layout.DataShards, layout.ParityShards, layout.BlockSize, layout.Length);

    public int BlockLength(long stripe) => stripe == StripeCount - 1 ? LastBlockLength : BlockSize;

    /// <summary>Object offset of the first byte of <paramref name="stripe"/>.</summary>
    public long StripeStart(long stripe) => stripe * StripeDataBytes;

    /// <summary>Object bytes held by <paramref name="stripe"/> (less than k blocks for the last one).</summary>
    public long StripeLength(long stripe) => Math.Min(StripeDataBytes, Length - StripeStart(stripe));

    /// <summary>Offset of stripe <paramref name="stripe"/>'s block within any shard file.</summary>
    public long BlockOffset(long stripe) => BlockOffset(stripe, BlockSize);

    /// <inheritdoc cref="BlockOffset(long)"/>
    public static long BlockOffset(long stripe, int blockSize) => ShardHeader.Size + stripe * (blockSize + (long)ChecksumSize);

    /// <summary>The exact length of every shard file of this data.</summary>
    public long ShardFileLength =>
        StripeCount == 0 ? ShardHeader.Size : BlockOffset(StripeCount - 1) + LastBlockLength + ChecksumSize;

    /// <summary>Throws unless the block size suits the format (positive multiple of the alignment).</summary>
    public static void ValidateBlockSize(int blockSize)
    {
        if (blockSize < BlockAlignment || blockSize % BlockAlignment != 0 || blockSize > 64 * 1024 * 1024)
            throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize,
                $"Block size must be a multiple of {BlockAlignment} between {BlockAlignment} and 64 MiB.");
    }
}
