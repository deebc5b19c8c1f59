namespace ObjectStore.Erasure.Kernels;

/// <summary>
/// Arithmetic in GF(2^8) with the Reed-Solomon polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D),
/// generator 2: the field ISA-L, Jerasure and most storage systems use.
/// </summary>
internal static class GaloisField
{
    public const int Polynomial = 0x11D;

    private static readonly byte[] Exp = new byte[512];
    private static readonly byte[] Log = new byte[256];

    /// <summary>Full product table: <c>MulTable[a * 256 + b] == a * b</c>. 64 KiB, built once.</summary>
    internal static readonly byte[] MulTable = new byte[256 * 256];

    static GaloisField()
    {
        int x = 1;
        for (int i = 0; i < 255; i++)
        {
            Exp[i] = (byte)x;
            Exp[i + 255] = (byte)x;
            Log[x] = (byte)i;
            x <<= 1;
            if ((x & 0x100) != 0)
                x ^= Polynomial;
        }
        Exp[510] = Exp[0];
        Exp[511] = Exp[1];

        for (int a = 1; a < 256; a++)
            for (int b = 1; b < 256; b++)
                MulTable[a * 256 + b] = Exp[Log[a] + Log[b]];
    }

    public static byte Mul(byte a, byte b) => a == 0 || b == 0 ? (byte)0 : Exp[Log[a] + Log[b]];

    public static byte Inverse(byte a)
    {
        if (a == 0)
            throw new DivideByZeroException("Zero has no inverse in GF(2^8).");
        return Exp[255 - Log[a]];
    }

    /// <summary>
    /// The 8x8 bit matrix for "multiply by <paramref name="c"/>" in the layout GF2P8AFFINEQB expects:
    /// result bit i is parity(matrix.byte[7 - i] AND x), so byte 7 - i holds row i.
    /// </summary>
    public static ulong AffineMatrix(byte c)
    {
        ulong matrix = 0;
        for (int row = 0; row < 8; row++)
        {
            int rowBits = 0;
            for (int col = 0; col < 8; col++)
            {
                // Column j is c * x^j; its bit `row` says whether input bit j feeds output bit `row`.
                if ((Mul(c, (byte)(1 << col)) >> row & 1) != 0)
                    rowBits |= 1 << col;
            }
            matrix |= (ulong)rowBits << (8 * (7 - row));
        }
        return matrix;
    }

    /// <summary>Products of <paramref name="c"/> with every low nibble (0..15) and every high nibble (0x00..0xF0).</summary>
    public static void NibbleTables(byte c, Span<byte> low16, Span<byte> high16)
    {
        for (int n = 0; n < 16; n++)
        {
            low16[n] = Mul(c, (byte)n);
            high16[n] = Mul(c, (byte)(n << 4));
        }
    }
}
