namespace ObjectStore.Erasure.Tests;

/// <summary>
/// An independent, deliberately naive model of the code under test: bit-serial field
/// multiplication and the Cauchy generator written out from its definition. Shares no code with
/// the codec, so agreement means something.
/// </summary>
internal static class ReferenceCode
{
    public static byte Multiply(byte a, byte b)
    {
        int product = 0, x = a;
        for (int bit = 0; bit < 8; bit++)
        {
            if ((b >> bit & 1) != 0)
                product ^= x;
            x <<= 1;
            if ((x & 0x100) != 0)
                x ^= 0x11D;
        }
        return (byte)product;
    }

    public static byte Inverse(byte a)
    {
        for (int candidate = 1; candidate < 256; candidate++)
            if (Multiply(a, (byte)candidate) == 1)
                return (byte)candidate;
        throw new DivideByZeroException();
    }

    /// <summary>Parity shard p (0-based) of data, from the definition: row k+p, column j is 1 / ((k+p) XOR j).</summary>
    public static byte[] Parity(byte[][] data, int parityIndex)
    {
        int k = data.Length;
        var parity = new byte[data[0].Length];
        for (int j = 0; j < k; j++)
        {
            byte coefficient = Inverse((byte)((k + parityIndex) ^ j));
            for (int i = 0; i < parity.Length; i++)
                parity[i] ^= Multiply(coefficient, data[j][i]);
        }
        return parity;
    }
}
