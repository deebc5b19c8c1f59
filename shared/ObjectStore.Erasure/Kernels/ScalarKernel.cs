namespace ObjectStore.Erasure.Kernels;

/// <summary>Portable path: one 256-byte product row per coefficient from the field's full table.</summary>
internal sealed unsafe class ScalarKernel : MultiplyKernel
{
    public static readonly ScalarKernel Instance = new();

    /// <summary>Slice size so that one slice of every shard stays in L1/L2 across the output rows.</summary>
    private const int SliceBytes = 8 * 1024;

    private ScalarKernel()
    {
    }

    public override GaloisKernel Kind => GaloisKernel.Scalar;

    protected override byte[] BuildTables(byte[] coefficients, int rows, int cols) => [];

    public override void Apply(CodingMatrix matrix, byte** inputs, byte** outputs, int length) =>
        ApplyRange(matrix, inputs, outputs, 0, length);

    /// <summary>Also used by the vector kernels for buffers shorter than one vector.</summary>
    public static void ApplyRange(CodingMatrix matrix, byte** inputs, byte** outputs, int start, int end)
    {
        int rows = matrix.Rows, cols = matrix.Cols;
        fixed (byte* coefficients = matrix.Coefficients)
        fixed (byte* mulTable = GaloisField.MulTable)
        {
            for (int sliceStart = start; sliceStart < end; sliceStart += SliceBytes)
            {
                int sliceEnd = Math.Min(sliceStart + SliceBytes, end);
                for (int r = 0; r < rows; r++)
                {
                    byte* output = outputs[r];
                    for (int c = 0; c < cols; c++)
                        MultiplyInto(mulTable + coefficients[r * cols + c] * 256, inputs[c], output, sliceStart, sliceEnd, accumulate: c > 0);
                }
            }
        }
    }

    private static void MultiplyInto(byte* productRow, byte* input, byte* output, int start, int end, bool accumulate)
    {
        if (accumulate)
        {
            for (int i = start; i < end; i++)
                output[i] ^= productRow[input[i]];
        }
        else
        {
            for (int i = start; i < end; i++)
                output[i] = productRow[input[i]];
        }
    }
}
