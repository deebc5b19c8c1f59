namespace ObjectStore.Erasure.Kernels;

/// <summary>
/// Builds the per-coefficient lookup data the SIMD kernels read, laid out column-major
/// (input c, then output row r) so the inner loop over inputs walks memory forward.
/// </summary>
internal static class KernelTables
{
    /// <summary>One GFNI 8x8 bit matrix (8 bytes) per coefficient.</summary>
    public static byte[] AffineMatrices(byte[] coefficients, int rows, int cols)
    {
        var tables = new byte[rows * cols * sizeof(ulong)];
        var matrices = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(tables.AsSpan());
        for (int c = 0; c < cols; c++)
            for (int r = 0; r < rows; r++)
                matrices[c * rows + r] = GaloisField.AffineMatrix(coefficients[r * cols + c]);
        return tables;
    }

    /// <summary>
    /// Per coefficient: the 16 low-nibble products repeated once per 128-bit lane, then the 16
    /// high-nibble products likewise (vpshufb looks up within each lane).
    /// </summary>
    public static byte[] NibbleTables(byte[] coefficients, int rows, int cols, int vectorBytes)
    {
        int lanes = vectorBytes / 16;
        var tables = new byte[rows * cols * 2 * vectorBytes];
        Span<byte> low = stackalloc byte[16];
        Span<byte> high = stackalloc byte[16];
        for (int c = 0; c < cols; c++)
            for (int r = 0; r < rows; r++)
            {
                GaloisField.NibbleTables(coefficients[r * cols + c], low, high);
                var entry = tables.AsSpan((c * rows + r) * 2 * vectorBytes, 2 * vectorBytes);
                for (int lane = 0; lane < lanes; lane++)
                {
                    low.CopyTo(entry.Slice(lane * 16));
                    high.CopyTo(entry.Slice(vectorBytes + lane * 16));
                }
            }
        return tables;
    }
}
