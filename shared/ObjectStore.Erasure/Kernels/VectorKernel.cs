namespace ObjectStore.Erasure.Kernels;

/// <summary>
/// Shared driver of the SIMD kernels. It walks the buffers in slices that keep every shard's slice
/// in L1/L2 while it makes several passes (when there are more output rows than registers), and
/// finishes a ragged tail by recomputing the last whole vector: outputs are plain sums, never
/// read back, so writing some bytes twice is harmless and avoids a scalar tail.
/// </summary>
internal abstract unsafe class VectorKernel : MultiplyKernel
{
    /// <summary>16 inputs x 16 KiB + 8 outputs x 16 KiB = 384 KiB: inside a 1 MiB L2 between passes.</summary>
    private const int SliceBytes = 16 * 1024;

    /// <summary>
    /// Above this many input bytes the stripe streams from L3 or DRAM, where software prefetch
    /// helped in our runs (10+4 at 1 MiB shards, ten input streams); below it, inputs sit in L2
    /// and prefetches only cost issue slots.
    /// </summary>
    private const long PrefetchAboveInputBytes = 2 * 1024 * 1024;

    /// <summary>Bytes per vector step.</summary>
    protected abstract int VectorBytes { get; }

    protected VectorKernel(int maxRowsPerPass)
    {
        if (maxRowsPerPass is < 1 or > 8)
            throw new ArgumentOutOfRangeException(nameof(maxRowsPerPass), maxRowsPerPass, "A pass keeps 1..8 output rows in registers.");
        MaxRowsPerPass = maxRowsPerPass;
    }

    /// <summary>How many output accumulators one pass keeps in registers; more rows take more passes per slice.</summary>
    public int MaxRowsPerPass { get; }

    public sealed override void Apply(CodingMatrix matrix, byte** inputs, byte** outputs, int length)
    {
        int width = VectorBytes;
        if (length < width)
        {
            ScalarKernel.ApplyRange(matrix, inputs, outputs, 0, length);
            return;
        }

        int rows = matrix.Rows, cols = matrix.Cols, perPass = MaxRowsPerPass;
        int full = length - length % width;
        // One pass reads each input once whatever the slice, so only multi-pass work is sliced.
        int slice = rows <= perPass ? full : SliceBytes;
        bool prefetch = (long)cols * length > PrefetchAboveInputBytes;
        fixed (byte* tables = matrix.Tables)
        {
            for (int start = 0; start < full; start += slice)
            {
                int end = Math.Min(start + slice, full);
                for (int firstRow = 0; firstRow < rows; firstRow += perPass)
                    RunPass(tables, rows, firstRow, Math.Min(perPass, rows - firstRow), inputs, cols, outputs + firstRow, start, end, prefetch);
            }
            if (full < length)
            {
                for (int firstRow = 0; firstRow < rows; firstRow += perPass)
                    RunPass(tables, rows, firstRow, Math.Min(perPass, rows - firstRow), inputs, cols, outputs + firstRow, length - width, length, prefetch: false);
            }
        }
    }

    /// <summary>
    /// Computes output rows firstRow..firstRow+rowCount-1 over [start, end), a whole number of vectors.
    /// <paramref name="outputs"/> already points at row firstRow. Kernels fast enough to be
    /// memory-bound prefetch inputs ahead when <paramref name="prefetch"/> is set.
    /// </summary>
    protected abstract void RunPass(byte* tables, int rows, int firstRow, int rowCount, byte** inputs, int cols, byte** outputs, nint start, nint end, bool prefetch);
}

/// <summary>A row count known to the JIT as a constant, so one generic body compiles to 1..8 accumulators.</summary>
internal interface IRowCount
{
    static abstract int Count { get; }
}

internal readonly struct Rows1 : IRowCount { public static int Count => 1; }

internal readonly struct Rows2 : IRowCount { public static int Count => 2; }

internal readonly struct Rows3 : IRowCount { public static int Count => 3; }

internal readonly struct Rows4 : IRowCount { public static int Count => 4; }

internal readonly struct Rows5 : IRowCount { public static int Count => 5; }

internal readonly struct Rows6 : IRowCount { public static int Count => 6; }

internal readonly struct Rows7 : IRowCount { public static int Count => 7; }

internal readonly struct Rows8 : IRowCount { public static int Count => 8; }
