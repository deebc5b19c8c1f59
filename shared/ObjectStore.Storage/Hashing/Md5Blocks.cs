using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ObjectStore.Storage.Hashing;

/// <summary>
/// The MD5 compression function (RFC 1321) over whole 64-byte blocks: one stream at a time, or sixteen
/// independent streams in the lanes of 512-bit vectors. One MD5 stream cannot be split (each block needs
/// the previous one's state), so the lanes pay only when several streams hash at once: the parts of a
/// multipart upload, concurrent PUTs (<see cref="Md5Lanes"/>). Padding and the length live in <see cref="Md5Stream"/>.
/// </summary>
internal static class Md5Blocks
{
    public const int BlockSize = 64;
    public const int Lanes = 16;

    /// <summary>Sixteen lanes are worth running: 512-bit vectors in hardware, words loaded as little-endian.</summary>
    public static bool LanesSupported => Vector512.IsHardwareAccelerated && BitConverter.IsLittleEndian;

    /// <summary>Runs the blocks (a multiple of 64 bytes) through the state A, B, C, D.</summary>
    public static void Compress(Span<uint> state, ReadOnlySpan<byte> blocks)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("MD5 words are read as little-endian.");
        uint a0 = state[0], b0 = state[1], c0 = state[2], d0 = state[3];
        ref var start = ref MemoryMarshal.GetReference(blocks);
        for (var offset = 0; offset + BlockSize <= blocks.Length; offset += BlockSize)
        {
            // Words are read where they are used (an operand of the add), not loaded ahead into registers.
            ref var w = ref Unsafe.As<byte, uint>(ref Unsafe.Add(ref start, offset));
            uint a = a0, b = b0, c = c0, d = d0;
            a = b + BitOperations.RotateLeft(a + F(b, c, d) + 0xd76aa478u + Unsafe.Add(ref w, 0), 7);
            d = a + BitOperations.RotateLeft(d + F(a, b, c) + 0xe8c7b756u + Unsafe.Add(ref w, 1), 12);
            c = d + BitOperations.RotateLeft(c + F(d, a, b) + 0x242070dbu + Unsafe.Add(ref w, 2), 17);
            b = c + BitOperations.RotateLeft(b + F(c, d, a) + 0xc1bdceeeu + Unsafe.Add(ref w, 3), 22);
            a = b + BitOperations.RotateLeft(a + F(b, c, d) + 0xf57c0fafu + Unsafe.Add(ref w, 4), 7);
            d = a + BitOperations.RotateLeft(d + F(a, b, c) + 0x4787c62au + Unsafe.Add(ref w, 5), 12);
            c = d + BitOperations.RotateLeft(c + F(d, a, b) + 0xa8304613u + Unsafe.Add(ref w, 6), 17);
            b = c + BitOperations.RotateLeft(b + F(c, d, a) + 0xfd469501u + Unsafe.Add(ref w, 7), 22);
            a = b + BitOperations.RotateLeft(a + F(b, c, d) + 0x698098d8u + Unsafe.Add(ref w, 8), 7);
            d = a + BitOperations.RotateLeft(d + F(a, b, c) + 0x8b44f7afu + Unsafe.Add(ref w, 9), 12);
            c = d + BitOperations.RotateLeft(c + F(d, a, b) + 0xffff5bb1u + Unsafe.Add(ref w, 10), 17);
            b = c + BitOperations.RotateLeft(b + F(c, d, a) + 0x895cd7beu + Unsafe.Add(ref w, 11), 22);
            a = b + BitOperations.RotateLeft(a + F(b, c, d) + 0x6b901122u + Unsafe.Add(ref w, 12), 7);
            d = a + BitOperations.RotateLeft(d + F(a, b, c) + 0xfd987193u + Unsafe.Add(ref w, 13), 12);
            c = d + BitOperations.RotateLeft(c + F(d, a, b) + 0xa679438eu + Unsafe.Add(ref w, 14), 17);
            b = c + BitOperations.RotateLeft(b + F(c, d, a) + 0x49b40821u + Unsafe.Add(ref w, 15), 22);
            a = b + BitOperations.RotateLeft(a + G(b, c, d) + 0xf61e2562u + Unsafe.Add(ref w, 1), 5);
            d = a + BitOperations.RotateLeft(d + G(a, b, c) + 0xc040b340u + Unsafe.Add(ref w, 6), 9);
            c = d + BitOperations.RotateLeft(c + G(d, a, b) + 0x265e5a51u + Unsafe.Add(ref w, 11), 14);
            b = c + BitOperations.RotateLeft(b + G(c, d, a) + 0xe9b6c7aau + Unsafe.Add(ref w, 0), 20);
            a = b + BitOperations.RotateLeft(a + G(b, c, d) + 0xd62f105du + Unsafe.Add(ref w, 5), 5);
            d = a + BitOperations.RotateLeft(d + G(a, b, c) + 0x02441453u + Unsafe.Add(ref w, 10), 9);
            c = d + BitOperations.RotateLeft(c + G(d, a, b) + 0xd8a1e681u + Unsafe.Add(ref w, 15), 14);
            b = c + BitOperations.RotateLeft(b + G(c, d, a) + 0xe7d3fbc8u + Unsafe.Add(ref w, 4), 20);
            a = b + BitOperations.RotateLeft(a + G(b, c, d) + 0x21e1cde6u + Unsafe.Add(ref w, 9), 5);
            d = a + BitOperations.RotateLeft(d + G(a, b, c) + 0xc33707d6u + Unsafe.Add(ref w, 14), 9);
            c = d + BitOperations.RotateLeft(c + G(d, a, b) + 0xf4d50d87u + Unsafe.Add(ref w, 3), 14);
            b = c + BitOperations.RotateLeft(b + G(c, d, a) + 0x455a14edu + Unsafe.Add(ref w, 8), 20);
            a = b + BitOperations.RotateLeft(a + G(b, c, d) + 0xa9e3e905u + Unsafe.Add(ref w, 13), 5);
            d = a + BitOperations.RotateLeft(d + G(a, b, c) + 0xfcefa3f8u + Unsafe.Add(ref w, 2), 9);
            c = d + BitOperations.RotateLeft(c + G(d, a, b) + 0x676f02d9u + Unsafe.Add(ref w, 7), 14);
            b = c + BitOperations.RotateLeft(b + G(c, d, a) + 0x8d2a4c8au + Unsafe.Add(ref w, 12), 20);
            a = b + BitOperations.RotateLeft(a + H(b, c, d) + 0xfffa3942u + Unsafe.Add(ref w, 5), 4);
            d = a + BitOperations.RotateLeft(d + H(a, b, c) + 0x8771f681u + Unsafe.Add(ref w, 8), 11);
            c = d + BitOperations.RotateLeft(c + H(d, a, b) + 0x6d9d6122u + Unsafe.Add(ref w, 11), 16);
            b = c + BitOperations.RotateLeft(b + H(c, d, a) + 0xfde5380cu + Unsafe.Add(ref w, 14), 23);
            a = b + BitOperations.RotateLeft(a + H(b, c, d) + 0xa4beea44u + Unsafe.Add(ref w, 1), 4);
            d = a + BitOperations.RotateLeft(d + H(a, b, c) + 0x4bdecfa9u + Unsafe.Add(ref w, 4), 11);
            c = d + BitOperations.RotateLeft(c + H(d, a, b) + 0xf6bb4b60u + Unsafe.Add(ref w, 7), 16);
            b = c + BitOperations.RotateLeft(b + H(c, d, a) + 0xbebfbc70u + Unsafe.Add(ref w, 10), 23);
            a = b + BitOperations.RotateLeft(a + H(b, c, d) + 0x289b7ec6u + Unsafe.Add(ref w, 13), 4);
            d = a + BitOperations.RotateLeft(d + H(a, b, c) + 0xeaa127fau + Unsafe.Add(ref w, 0), 11);
            c = d + BitOperations.RotateLeft(c + H(d, a, b) + 0xd4ef3085u + Unsafe.Add(ref w, 3), 16);
            b = c + BitOperations.RotateLeft(b + H(c, d, a) + 0x04881d05u + Unsafe.Add(ref w, 6), 23);
            a = b + BitOperations.RotateLeft(a + H(b, c, d) + 0xd9d4d039u + Unsafe.Add(ref w, 9), 4);
            d = a + BitOperations.RotateLeft(d + H(a, b, c) + 0xe6db99e5u + Unsafe.Add(ref w, 12), 11);
            c = d + BitOperations.RotateLeft(c + H(d, a, b) + 0x1fa27cf8u + Unsafe.Add(ref w, 15), 16);
            b = c + BitOperations.RotateLeft(b + H(c, d, a) + 0xc4ac5665u + Unsafe.Add(ref w, 2), 23);
            a = b + BitOperations.RotateLeft(a + I(b, c, d) + 0xf4292244u + Unsafe.Add(ref w, 0), 6);
            d = a + BitOperations.RotateLeft(d + I(a, b, c) + 0x432aff97u + Unsafe.Add(ref w, 7), 10);
            c = d + BitOperations.RotateLeft(c + I(d, a, b) + 0xab9423a7u + Unsafe.Add(ref w, 14), 15);
            b = c + BitOperations.RotateLeft(b + I(c, d, a) + 0xfc93a039u + Unsafe.Add(ref w, 5), 21);
            a = b + BitOperations.RotateLeft(a + I(b, c, d) + 0x655b59c3u + Unsafe.Add(ref w, 12), 6);
            d = a + BitOperations.RotateLeft(d + I(a, b, c) + 0x8f0ccc92u + Unsafe.Add(ref w, 3), 10);
            c = d + BitOperations.RotateLeft(c + I(d, a, b) + 0xffeff47du + Unsafe.Add(ref w, 10), 15);
            b = c + BitOperations.RotateLeft(b + I(c, d, a) + 0x85845dd1u + Unsafe.Add(ref w, 1), 21);
            a = b + BitOperations.RotateLeft(a + I(b, c, d) + 0x6fa87e4fu + Unsafe.Add(ref w, 8), 6);
            d = a + BitOperations.RotateLeft(d + I(a, b, c) + 0xfe2ce6e0u + Unsafe.Add(ref w, 15), 10);
            c = d + BitOperations.RotateLeft(c + I(d, a, b) + 0xa3014314u + Unsafe.Add(ref w, 6), 15);
            b = c + BitOperations.RotateLeft(b + I(c, d, a) + 0x4e0811a1u + Unsafe.Add(ref w, 13), 21);
            a = b + BitOperations.RotateLeft(a + I(b, c, d) + 0xf7537e82u + Unsafe.Add(ref w, 4), 6);
            d = a + BitOperations.RotateLeft(d + I(a, b, c) + 0xbd3af235u + Unsafe.Add(ref w, 11), 10);
            c = d + BitOperations.RotateLeft(c + I(d, a, b) + 0x2ad7d2bbu + Unsafe.Add(ref w, 2), 15);
            b = c + BitOperations.RotateLeft(b + I(c, d, a) + 0xeb86d391u + Unsafe.Add(ref w, 9), 21);
            a0 += a; b0 += b; c0 += c; d0 += d;
        }
        state[0] = a0; state[1] = b0; state[2] = c0; state[3] = d0;
    }

    /// <summary>
    /// Runs <paramref name="blockCount"/> blocks of each of the first <paramref name="laneCount"/> streams at once.
    /// <paramref name="states"/> holds A of lanes 0..15, then B, C and D the same way; <paramref name="lanes"/> points
    /// at each busy lane's next block. The idle lanes compute garbage from whatever their words held, never read.
    /// </summary>
    public static unsafe void CompressLanes(uint* states, byte** lanes, int laneCount, int blockCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(laneCount, Lanes);
        var a0 = Vector512.Load(states);
        var b0 = Vector512.Load(states + Lanes);
        var c0 = Vector512.Load(states + 2 * Lanes);
        var d0 = Vector512.Load(states + 3 * Lanes);
        var words = stackalloc uint[Lanes * 16]; // word j of lane l at j * 16 + l
        for (var t = 0; t < blockCount; t++)
        {
            for (var l = 0; l < laneCount; l++)
            {
                var source = (uint*)(lanes[l] + (long)t * BlockSize);
                for (var j = 0; j < 16; j++)
                    words[j * Lanes + l] = source[j];
            }
            Vector512<uint> m0 = Vector512.Load(words), m1 = Vector512.Load(words + 16), m2 = Vector512.Load(words + 32),
                m3 = Vector512.Load(words + 48), m4 = Vector512.Load(words + 64), m5 = Vector512.Load(words + 80),
                m6 = Vector512.Load(words + 96), m7 = Vector512.Load(words + 112), m8 = Vector512.Load(words + 128),
                m9 = Vector512.Load(words + 144), m10 = Vector512.Load(words + 160), m11 = Vector512.Load(words + 176),
                m12 = Vector512.Load(words + 192), m13 = Vector512.Load(words + 208), m14 = Vector512.Load(words + 224),
                m15 = Vector512.Load(words + 240);
            Vector512<uint> a = a0, b = b0, c = c0, d = d0;
            a = b + Rotate(a + VF(b, c, d) + Vector512.Create(0xd76aa478u) + m0, 7);
            d = a + Rotate(d + VF(a, b, c) + Vector512.Create(0xe8c7b756u) + m1, 12);
            c = d + Rotate(c + VF(d, a, b) + Vector512.Create(0x242070dbu) + m2, 17);
            b = c + Rotate(b + VF(c, d, a) + Vector512.Create(0xc1bdceeeu) + m3, 22);
            a = b + Rotate(a + VF(b, c, d) + Vector512.Create(0xf57c0fafu) + m4, 7);
            d = a + Rotate(d + VF(a, b, c) + Vector512.Create(0x4787c62au) + m5, 12);
            c = d + Rotate(c + VF(d, a, b) + Vector512.Create(0xa8304613u) + m6, 17);
            b = c + Rotate(b + VF(c, d, a) + Vector512.Create(0xfd469501u) + m7, 22);
            a = b + Rotate(a + VF(b, c, d) + Vector512.Create(0x698098d8u) + m8, 7);
            d = a + Rotate(d + VF(a, b, c) + Vector512.Create(0x8b44f7afu) + m9, 12);
            c = d + Rotate(c + VF(d, a, b) + Vector512.Create(0xffff5bb1u) + m10, 17);
            b = c + Rotate(b + VF(c, d, a) + Vector512.Create(0x895cd7beu) + m11, 22);
            a = b + Rotate(a + VF(b, c, d) + Vector512.Create(0x6b901122u) + m12, 7);
            d = a + Rotate(d + VF(a, b, c) + Vector512.Create(0xfd987193u) + m13, 12);
            c = d + Rotate(c + VF(d, a, b) + Vector512.Create(0xa679438eu) + m14, 17);
            b = c + Rotate(b + VF(c, d, a) + Vector512.Create(0x49b40821u) + m15, 22);
            a = b + Rotate(a + VG(b, c, d) + Vector512.Create(0xf61e2562u) + m1, 5);
            d = a + Rotate(d + VG(a, b, c) + Vector512.Create(0xc040b340u) + m6, 9);
            c = d + Rotate(c + VG(d, a, b) + Vector512.Create(0x265e5a51u) + m11, 14);
            b = c + Rotate(b + VG(c, d, a) + Vector512.Create(0xe9b6c7aau) + m0, 20);
            a = b + Rotate(a + VG(b, c, d) + Vector512.Create(0xd62f105du) + m5, 5);
            d = a + Rotate(d + VG(a, b, c) + Vector512.Create(0x02441453u) + m10, 9);
            c = d + Rotate(c + VG(d, a, b) + Vector512.Create(0xd8a1e681u) + m15, 14);
            b = c + Rotate(b + VG(c, d, a) + Vector512.Create(0xe7d3fbc8u) + m4, 20);
            a = b + Rotate(a + VG(b, c, d) + Vector512.Create(0x21e1cde6u) + m9, 5);
            d = a + Rotate(d + VG(a, b, c) + Vector512.Create(0xc33707d6u) + m14, 9);
            c = d + Rotate(c + VG(d, a, b) + Vector512.Create(0xf4d50d87u) + m3, 14);
            b = c + Rotate(b + VG(c, d, a) + Vector512.Create(0x455a14edu) + m8, 20);
            a = b + Rotate(a + VG(b, c, d) + Vector512.Create(0xa9e3e905u) + m13, 5);
            d = a + Rotate(d + VG(a, b, c) + Vector512.Create(0xfcefa3f8u) + m2, 9);
            c = d + Rotate(c + VG(d, a, b) + Vector512.Create(0x676f02d9u) + m7, 14);
            b = c + Rotate(b + VG(c, d, a) + Vector512.Create(0x8d2a4c8au) + m12, 20);
            a = b + Rotate(a + VH(b, c, d) + Vector512.Create(0xfffa3942u) + m5, 4);
            d = a + Rotate(d + VH(a, b, c) + Vector512.Create(0x8771f681u) + m8, 11);
            c = d + Rotate(c + VH(d, a, b) + Vector512.Create(0x6d9d6122u) + m11, 16);
            b = c + Rotate(b + VH(c, d, a) + Vector512.Create(0xfde5380cu) + m14, 23);
            a = b + Rotate(a + VH(b, c, d) + Vector512.Create(0xa4beea44u) + m1, 4);
            d = a + Rotate(d + VH(a, b, c) + Vector512.Create(0x4bdecfa9u) + m4, 11);
            c = d + Rotate(c + VH(d, a, b) + Vector512.Create(0xf6bb4b60u) + m7, 16);
            b = c + Rotate(b + VH(c, d, a) + Vector512.Create(0xbebfbc70u) + m10, 23);
            a = b + Rotate(a + VH(b, c, d) + Vector512.Create(0x289b7ec6u) + m13, 4);
            d = a + Rotate(d + VH(a, b, c) + Vector512.Create(0xeaa127fau) + m0, 11);
            c = d + Rotate(c + VH(d, a, b) + Vector512.Create(0xd4ef3085u) + m3, 16);
            b = c + Rotate(b + VH(c, d, a) + Vector512.Create(0x04881d05u) + m6, 23);
            a = b + Rotate(a + VH(b, c, d) + Vector512.Create(0xd9d4d039u) + m9, 4);
            d = a + Rotate(d + VH(a, b, c) + Vector512.Create(0xe6db99e5u) + m12, 11);
            c = d + Rotate(c + VH(d, a, b) + Vector512.Create(0x1fa27cf8u) + m15, 16);
            b = c + Rotate(b + VH(c, d, a) + Vector512.Create(0xc4ac5665u) + m2, 23);
            a = b + Rotate(a + VI(b, c, d) + Vector512.Create(0xf4292244u) + m0, 6);
            d = a + Rotate(d + VI(a, b, c) + Vector512.Create(0x432aff97u) + m7, 10);
            c = d + Rotate(c + VI(d, a, b) + Vector512.Create(0xab9423a7u) + m14, 15);
            b = c + Rotate(b + VI(c, d, a) + Vector512.Create(0xfc93a039u) + m5, 21);
            a = b + Rotate(a + VI(b, c, d) + Vector512.Create(0x655b59c3u) + m12, 6);
            d = a + Rotate(d + VI(a, b, c) + Vector512.Create(0x8f0ccc92u) + m3, 10);
            c = d + Rotate(c + VI(d, a, b) + Vector512.Create(0xffeff47du) + m10, 15);
            b = c + Rotate(b + VI(c, d, a) + Vector512.Create(0x85845dd1u) + m1, 21);
            a = b + Rotate(a + VI(b, c, d) + Vector512.Create(0x6fa87e4fu) + m8, 6);
            d = a + Rotate(d + VI(a, b, c) + Vector512.Create(0xfe2ce6e0u) + m15, 10);
            c = d + Rotate(c + VI(d, a, b) + Vector512.Create(0xa3014314u) + m6, 15);
            b = c + Rotate(b + VI(c, d, a) + Vector512.Create(0x4e0811a1u) + m13, 21);
            a = b + Rotate(a + VI(b, c, d) + Vector512.Create(0xf7537e82u) + m4, 6);
            d = a + Rotate(d + VI(a, b, c) + Vector512.Create(0xbd3af235u) + m11, 10);
            c = d + Rotate(c + VI(d, a, b) + Vector512.Create(0x2ad7d2bbu) + m2, 15);
            b = c + Rotate(b + VI(c, d, a) + Vector512.Create(0xeb86d391u) + m9, 21);
            a0 += a; b0 += b; c0 += c; d0 += d;
        }
        a0.Store(states);
        b0.Store(states + Lanes);
        c0.Store(states + 2 * Lanes);
        d0.Store(states + 3 * Lanes);
    }

    private static uint F(uint x, uint y, uint z) => z ^ (x & (y ^ z));
    private static uint G(uint x, uint y, uint z) => y ^ (z & (x ^ y));
    private static uint H(uint x, uint y, uint z) => x ^ y ^ z;
    private static uint I(uint x, uint y, uint z) => y ^ (x | ~z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> VF(Vector512<uint> x, Vector512<uint> y, Vector512<uint> z) => Vector512.ConditionalSelect(x, y, z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> VG(Vector512<uint> x, Vector512<uint> y, Vector512<uint> z) => Vector512.ConditionalSelect(z, x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> VH(Vector512<uint> x, Vector512<uint> y, Vector512<uint> z) => x ^ y ^ z;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> VI(Vector512<uint> x, Vector512<uint> y, Vector512<uint> z) => y ^ (x | ~z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Rotate(Vector512<uint> value, [ConstantExpected] byte count) =>
        Avx512F.IsSupported ? Avx512F.RotateLeft(value, count) : (value << count) | (value >>> (32 - count));
}
