namespace ObjectStore.Objects.Integrity;

/// <summary>
/// Combines the CRCs of two byte strings into the CRC of their concatenation without the bytes
/// (zlib's crc32_combine, generalised to the reflected CRC-32, CRC-32C and CRC-64/NVME, all with
/// all-ones init and xor-out): crc(A‖B) = crc(A)·x^(8·|B|) mod P ⊕ crc(B). Used for FULL_OBJECT
/// checksums of multipart uploads, computed from the parts' checksums.
/// </summary>
public static class CrcCombine
{
    private const ulong Crc32Poly = 0xEDB88320;
    private const ulong Crc32CPoly = 0x82F63B78;
    private const ulong Crc64NvmePoly = 0x9A6C9329AC4BC9B5;

    public static bool Supports(ChecksumAlgorithm algorithm) =>
        algorithm is ChecksumAlgorithm.Crc32 or ChecksumAlgorithm.Crc32C or ChecksumAlgorithm.Crc64Nvme;

    /// <summary>The CRC of A‖B from crc(A), crc(B) and |B| (CRC values as integers).</summary>
    public static ulong Combine(ChecksumAlgorithm algorithm, ulong crcA, ulong crcB, long lengthB)
    {
        var (poly, width) = algorithm switch
        {
            ChecksumAlgorithm.Crc32 => (Crc32Poly, 32),
            ChecksumAlgorithm.Crc32C => (Crc32CPoly, 32),
            ChecksumAlgorithm.Crc64Nvme => (Crc64NvmePoly, 64),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), "Only CRCs combine."),
        };
        return MultiplyModP(XPow8NModP((ulong)lengthB, poly, width), crcA, poly, width) ^ crcB;
    }

    /// <summary>a·b mod P in the reflected representation (bit width-1 is x^0).</summary>
    private static ulong MultiplyModP(ulong a, ulong b, ulong poly, int width)
    {
        var m = 1UL << (width - 1);
        ulong p = 0;
        while (m != 0)
        {
            if ((a & m) != 0)
                p ^= b;
            m >>= 1;
            b = (b & 1) != 0 ? (b >> 1) ^ poly : b >> 1;
        }
        return p;
    }

    /// <summary>x^(8n) mod P.</summary>
    private static ulong XPow8NModP(ulong n, ulong poly, int width)
    {
        var p = 1UL << (width - 1); // x^0
        var power = 1UL << (width - 2); // x^1
        // power = x^(2^k); start at k = 3 (x^8, one byte).
        for (var k = 0; k < 3; k++)
            power = MultiplyModP(power, power, poly, width);
        while (n != 0)
        {
            if ((n & 1) != 0)
                p = MultiplyModP(power, p, poly, width);
            n >>= 1;
            power = MultiplyModP(power, power, poly, width);
        }
        return p;
    }
}
