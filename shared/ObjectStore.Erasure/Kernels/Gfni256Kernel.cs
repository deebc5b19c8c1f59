using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ObjectStore.Erasure.Kernels;

/// <summary>GFNI on 256-bit vectors: the <see cref="Gfni512Kernel"/> loop at half the width, for CPUs without AVX-512.</summary>
internal sealed unsafe class Gfni256Kernel : VectorKernel
{
    public static readonly Gfni256Kernel Instance = new();

    private Gfni256Kernel()
    {
    }

    public static bool IsSupported => Gfni.V256.IsSupported && Avx2.IsSupported;

    public override GaloisKernel Kind => GaloisKernel.Gfni256;

    protected override int VectorBytes => 32;

    protected override int MaxRowsPerPass => 8;

    protected override byte[] BuildTables(byte[] coefficients, int rows, int cols) =>
        KernelTables.AffineMatrices(coefficients, rows, cols);

    protected override void RunPass(byte* tables, int rows, int firstRow, int rowCount, byte** inputs, int cols, byte** outputs, nint start, nint end)
    {
        ulong* matrices = (ulong*)tables + firstRow;
        switch (rowCount)
        {
            case 1: Run<Rows1>(matrices, rows, inputs, cols, outputs, start, end); break;
            case 2: Run<Rows2>(matrices, rows, inputs, cols, outputs, start, end); break;
            case 3: Run<Rows3>(matrices, rows, inputs, cols, outputs, start, end); break;
            case 4: Run<Rows4>(matrices, rows, inputs, cols, outputs, start, end); break;
            case 5: Run<Rows5>(matrices, rows, inputs, cols, outputs, start, end); break;
            case 6: Run<Rows6>(matrices, rows, inputs, cols, outputs, start, end); break;
            case 7: Run<Rows7>(matrices, rows, inputs, cols, outputs, start, end); break;
            default: Run<Rows8>(matrices, rows, inputs, cols, outputs, start, end); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Mul(Vector256<byte> x, ulong* matrix) =>
        Gfni.V256.GaloisFieldAffineTransform(x, Vector256.Create(*matrix).AsByte(), 0);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TRows>(ulong* matrices, int stride, byte** inputs, int cols, byte** outputs, nint start, nint end)
        where TRows : struct, IRowCount
    {
        int n = TRows.Count;
        byte* o0 = outputs[0];
        byte* o1 = n > 1 ? outputs[1] : null;
        byte* o2 = n > 2 ? outputs[2] : null;
        byte* o3 = n > 3 ? outputs[3] : null;
        byte* o4 = n > 4 ? outputs[4] : null;
        byte* o5 = n > 5 ? outputs[5] : null;
        byte* o6 = n > 6 ? outputs[6] : null;
        byte* o7 = n > 7 ? outputs[7] : null;

        for (nint p = start; p < end; p += 32)
        {
            Vector256<byte> a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            ulong* m = matrices;
            var x = Vector256.Load(inputs[0] + p);
            var a0 = Mul(x, m);
            if (n > 1) a1 = Mul(x, m + 1);
            if (n > 2) a2 = Mul(x, m + 2);
            if (n > 3) a3 = Mul(x, m + 3);
            if (n > 4) a4 = Mul(x, m + 4);
            if (n > 5) a5 = Mul(x, m + 5);
            if (n > 6) a6 = Mul(x, m + 6);
            if (n > 7) a7 = Mul(x, m + 7);
            for (int c = 1; c < cols; c++)
            {
                m += stride;
                x = Vector256.Load(inputs[c] + p);
                a0 ^= Mul(x, m);
                if (n > 1) a1 ^= Mul(x, m + 1);
                if (n > 2) a2 ^= Mul(x, m + 2);
                if (n > 3) a3 ^= Mul(x, m + 3);
                if (n > 4) a4 ^= Mul(x, m + 4);
                if (n > 5) a5 ^= Mul(x, m + 5);
                if (n > 6) a6 ^= Mul(x, m + 6);
                if (n > 7) a7 ^= Mul(x, m + 7);
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
