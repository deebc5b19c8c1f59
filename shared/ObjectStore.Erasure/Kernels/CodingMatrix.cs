namespace ObjectStore.Erasure.Kernels;

/// <summary>
/// A rows x cols coefficient matrix (outputs x inputs) together with the per-kernel lookup form
/// of its coefficients. Immutable once built, so one instance is shared by every thread.
/// </summary>
internal sealed class CodingMatrix
{
    public CodingMatrix(byte[] coefficients, int rows, int cols, byte[] tables)
    {
        Coefficients = coefficients;
        Rows = rows;
        Cols = cols;
        Tables = tables;
    }

    /// <summary>Row-major: output r is the sum over c of <c>Coefficients[r * Cols + c]</c> times input c.</summary>
    public byte[] Coefficients { get; }

    public int Rows { get; }

    public int Cols { get; }

    /// <summary>Kernel-specific expansion of the coefficients (affine matrices, nibble tables...).</summary>
    public byte[] Tables { get; }
}
