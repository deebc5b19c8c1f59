using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace ObjectStore.Storage;

/// <summary>
/// The fixed 512-byte header at the start of every shard file: says what the file is, so a shard
/// found alone on disk can be identified by a repair scan. Layout in SHARD-FORMAT.md.
/// A provisional header (<see cref="IsFinal"/> false, length 0) is written with the first block
/// and replaced just before commit, so even a file left by a crash mid-write names its data.
/// </summary>
public sealed record ShardHeader(
    string DataId,
    int ShardIndex,
    int DataShards,
    int ParityShards,
    int BlockSize,
    long Length,
    DateTimeOffset CreatedAt,
    bool IsFinal = true)
{
    public const int Size = 512;
    public const ushort CurrentVersion = 1;
    public const int MaxDataIdBytes = 255;

    private const int VersionOffset = 8;
    private const int HeaderLengthOffset = 10;
    private const int DataShardsOffset = 12;
    private const int ParityShardsOffset = 13;
    private const int ShardIndexOffset = 14;
    private const int FlagsOffset = 15;
    private const byte ProvisionalFlag = 1;
    private const int BlockSizeOffset = 16;
    private const int LengthOffset = 20;
    private const int CreatedOffset = 28;
    private const int DataIdLengthOffset = 36;
    private const int DataIdOffset = 37;
    private const int ChecksumOffset = Size - ShardGeometry.ChecksumSize;

    /// <summary>"OSSHARD" then 0x1A (stops `type`/`cat` on Windows, as PNG does).</summary>
    public static ReadOnlySpan<byte> Magic => "OSSHARD\x1A"u8;

    public ShardId Id => new(DataId, ShardIndex);

    public ShardGeometry Geometry => new(DataShards, ParityShards, BlockSize, Length);

    public void WriteTo(Span<byte> destination)
    {
        var idBytes = Encoding.UTF8.GetByteCount(DataId);
        if (idBytes is 0 or > MaxDataIdBytes)
            throw new ArgumentException($"Data id must be 1..{MaxDataIdBytes} UTF-8 bytes.", nameof(DataId));
        var header = destination[..Size];
        header.Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[VersionOffset..], CurrentVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[HeaderLengthOffset..], Size);
        header[DataShardsOffset] = checked((byte)DataShards);
        header[ParityShardsOffset] = checked((byte)ParityShards);
        header[ShardIndexOffset] = checked((byte)ShardIndex);
        header[FlagsOffset] = IsFinal ? (byte)0 : ProvisionalFlag;
        BinaryPrimitives.WriteInt32LittleEndian(header[BlockSizeOffset..], BlockSize);
        BinaryPrimitives.WriteInt64LittleEndian(header[LengthOffset..], Length);
        BinaryPrimitives.WriteInt64LittleEndian(header[CreatedOffset..], CreatedAt.ToUnixTimeMilliseconds());
        header[DataIdLengthOffset] = (byte)idBytes;
        Encoding.UTF8.GetBytes(DataId, header[DataIdOffset..]);
        XxHash128.Hash(header[..ChecksumOffset], header[ChecksumOffset..]);
    }

    /// <summary>Parses and verifies a header; never throws on bad input.</summary>
    public static ShardHeaderStatus TryParse(ReadOnlySpan<byte> source, out ShardHeader? header)
    {
        header = null;
        if (source.Length < Size) return ShardHeaderStatus.TooShort;
        if (!source.StartsWith(Magic)) return ShardHeaderStatus.NotAShard;
        var version = BinaryPrimitives.ReadUInt16LittleEndian(source[VersionOffset..]);
        if (version != CurrentVersion) return ShardHeaderStatus.UnsupportedVersion;
        Span<byte> expected = stackalloc byte[ShardGeometry.ChecksumSize];
        XxHash128.Hash(source[..ChecksumOffset], expected);
        if (!expected.SequenceEqual(source.Slice(ChecksumOffset, ShardGeometry.ChecksumSize)))
            return ShardHeaderStatus.ChecksumMismatch;

        int k = source[DataShardsOffset], m = source[ParityShardsOffset], index = source[ShardIndexOffset];
        var blockSize = BinaryPrimitives.ReadInt32LittleEndian(source[BlockSizeOffset..]);
        var length = BinaryPrimitives.ReadInt64LittleEndian(source[LengthOffset..]);
        var created = BinaryPrimitives.ReadInt64LittleEndian(source[CreatedOffset..]);
        int idLength = source[DataIdLengthOffset];
        var flags = source[FlagsOffset];
        if (BinaryPrimitives.ReadUInt16LittleEndian(source[HeaderLengthOffset..]) != Size || k == 0
            || index >= k + m || blockSize <= 0 || length < 0 || idLength == 0 || (flags & ~ProvisionalFlag) != 0)
            return ShardHeaderStatus.Invalid;
        string dataId;
        try { dataId = new UTF8Encoding(false, true).GetString(source.Slice(DataIdOffset, idLength)); }
        catch (DecoderFallbackException) { return ShardHeaderStatus.Invalid; }
        header = new ShardHeader(dataId, index, k, m, blockSize, length, DateTimeOffset.FromUnixTimeMilliseconds(created),
            IsFinal: (flags & ProvisionalFlag) == 0);
        return ShardHeaderStatus.Valid;
    }

    /// <summary>Reads and parses the header of an open shard (for example a file a repair scan found).</summary>
    public static async Task<(ShardHeaderStatus Status, ShardHeader? Header)> ReadAsync(IShardReader reader, CancellationToken cancellationToken)
    {
        var buffer = new byte[Size];
        var read = 0;
        while (read < Size)
        {
            var n = await reader.ReadAsync(read, buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            read += n;
        }
        var status = TryParse(buffer.AsSpan(0, read), out var header);
        return (status, header);
    }

    /// <summary>True when this header describes shard <paramref name="shardIndex"/> of <paramref name="layout"/>.</summary>
    public bool Matches(DataLayout layout, int shardIndex) =>
        IsFinal && DataId == layout.DataId && ShardIndex == shardIndex && DataShards == layout.DataShards
        && ParityShards == layout.ParityShards && BlockSize == layout.BlockSize && Length == layout.Length;
}

public enum ShardHeaderStatus
{
    Valid,
    TooShort,
    NotAShard,
    UnsupportedVersion,
    ChecksumMismatch,
    Invalid,
}
