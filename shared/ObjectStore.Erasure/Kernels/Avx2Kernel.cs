using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ObjectStore.Erasure.Kernels;

/// <summary>
/// AVX2 split-nibble multiply: c * x = T_low[x &amp; 15] ^ T_high[x &gt;&gt; 4], two vpshufb
/// lookups into 16-entry tables per coefficient. Each input vector feeds up to 8 outputs.
/// </summary>
internal sealed unsafe class Avx2Kernel : VectorKernel
{
    public static readonly Avx2Kernel Instance = new();

    private const int DefaultRowsPerPass = 8;

    private const int Width = 32;

    /// <param name="maxRowsPerPass">Tests lower it to exercise multi-pass slicing.</param>
    internal Avx2Kernel(int maxRowsPerPass = DefaultRowsPerPass)
        : base(maxRowsPerPass)
    {
    }

    public static bool IsSupported => Avx2.IsSupported;

    public override GaloisKernel Kind => GaloisKernel.Avx2;

    protected override int VectorBytes => Width;


    protected override byte[] BuildTables(byte[] coefficients, int rows, int cols) =>
        KernelTables.NibbleTables(coefficients, rows, cols, Width);

    protected override void RunPass(byte* tables, int rows, int firstRow, int rowCount, byte** inputs, int cols, byte** outputs, nint start, nint end, bool prefetch)
    {
        byte* first = tables + firstRow * 2 * Width;
        switch (rowCount)
        {
            case 1: Run<Rows1>(first, rows, inputs, cols, outputs, start, end); break;
            case 2: Run<Rows2>(first, rows, inputs, cols, outputs, start, end); break;
            case 3: Run<Rows3>(first, rows, inputs, cols, outputs, start, end); break;
            case 4: Run<Rows4>(first, rows, inputs, cols, outputs, start, end); break;
            case 5: Run<Rows5>(first, rows, inputs, cols, outputs, start, end); break;
            case 6: Run<Rows6>(first, rows, inputs, cols, outputs, start, end); break;
            case 7: Run<Rows7>(first, rows, inputs, cols, outputs, start, end); break;
            default: Run<Rows8>(first, rows, inputs, cols, outputs, start, end); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Mul(Vector256<byte> low, Vector256<byte> high, byte* table) =>
        Avx2.Shuffle(Vector256.Load(table), low) ^ Avx2.Shuffle(Vector256.Load(table + Width), high);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TRows>(byte* tables, int rows, byte** inputs, int cols, byte** outputs, nint start, nint end)
        where TRows : struct, IRowCount
    {
        int n = TRows.Count;
        nint entry = 2 * Width, stride = rows * entry;
        byte* o0 = outputs[0];
        byte* o1 = n > 1 ? outputs[1] : null;
        byte* o2 = n > 2 ? outputs[2] : null;
        byte* o3 = n > 3 ? outputs[3] : null;
        byte* o4 = n > 4 ? outputs[4] : null;
        byte* o5 = n > 5 ? outputs[5] : null;
        byte* o6 = n > 6 ? outputs[6] : null;
        byte* o7 = n > 7 ? outputs[7] : null;
        var mask = Vector256.Create((byte)0x0F);

        for (nint p = start; p < end; p += Width)
        {
            Vector256<byte> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            byte* t = tables;
            for (int c = 0; c < cols; c++, t += stride)
            {
                var x = Vector256.Load(inputs[c] + p);
                var low = x & mask;
                var high = Avx2.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & mask;
                a0 ^= Mul(low, high, t);
                if (n > 1) a1 ^= Mul(low, high, t + entry);
                if (n > 2) a2 ^= Mul(low, high, t + 2 * entry);
                if (n > 3) a3 ^= Mul(low, high, t + 3 * entry);
                if (n > 4) a4 ^= Mul(low, high, t + 4 * entry);
                if (n > 5) a5 ^= Mul(low, high, t + 5 * entry);
                if (n > 6) a6 ^= Mul(low, high, t + 6 * entry);
                if (n > 7) a7 ^= Mul(low, high, t + 7 * entry);
            }
            a0.Store(o0 + p);
            if (n > 1) a1.Store(o1 + p);
            if (n > 2) a2.Store(o2 + p);
            if (n > 3) a3.Store(o3 + p);
            if (n > 4) a4.Store(o4 + p);
            if (n > 5) a5.Store(o5 + p);
            if (n > 6) a6.Store(o6 + p);
            if (n > 7) a7.Store(o7 + p);
        }
    }
}
