using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ObjectStore.Index;

/// <summary>
/// The hash that spreads a bucket's keys over its index partitions: the first 32 bits of SHA-256 of the
/// key's UTF-8 bytes (keys sharing long prefixes, as ML datasets' do, still spread evenly). An index
/// partition count is a power of two and a key's partition the hash's low bits. Upload ids carry the low
/// <see cref="UploadIdBits"/> bits (<see cref="UploadIds.New"/>), so an upload's rows stay with its key's rows
/// and are found from the id alone.
/// </summary>
public static class KeySpreading
{
    /// <summary>Bits of the hash an upload id carries: one digit of the 64-character id alphabet.</summary>
    public const int UploadIdBits = 6;

    public static uint HashOf(ReadOnlySpan<byte> keyUtf8)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(keyUtf8, digest);
        return BinaryPrimitives.ReadUInt32BigEndian(digest);
    }

    public static uint HashOf(string key) => HashOf(Encoding.UTF8.GetBytes(key));
}
