using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ObjectStore.Erasure.Kernels;

/// <summary>
/// GFNI on 512-bit vectors: multiplying by a constant of our 0x11D field is a linear map over
/// GF(2), i.e. one vgf2p8affineqb with that constant's 8x8 bit matrix (GaloisFieldMultiply would
/// use the AES polynomial 0x11B). Each input vector is loaded once and feeds up to 8 outputs.
/// </summary>
internal sealed unsafe class Gfni512Kernel : VectorKernel
{
    public static readonly Gfni512Kernel Instance = new();

    private const int PrefetchDistance = 512;

    private const int DefaultRowsPerPass = 8;

    /// <param name="maxRowsPerPass">Tests lower it to exercise multi-pass slicing.</param>
    internal Gfni512Kernel(int maxRowsPerPass = DefaultRowsPerPass)
        : base(maxRowsPerPass)
    {
    }

    public static bool IsSupported => Gfni.V512.IsSupported && Avx512F.IsSupported;

    public override GaloisKernel Kind => GaloisKernel.Gfni512;

    protected override int VectorBytes => 64;


    protected override byte[] BuildTables(byte[] coefficients, int rows, int cols) =>
        KernelTables.AffineMatrices(coefficients, rows, cols);

    protected override void RunPass(byte* tables, int rows, int firstRow, int rowCount, byte** inputs, int cols, byte** outputs, nint start, nint end, bool prefetch)
    {
        ulong* matrices = (ulong*)tables + firstRow;
        switch (rowCount)
        {
            case 1: Run<Rows1>(matrices, rows, inputs, cols, outputs, start, end, prefetch); break;
            case 2: Run<Rows2>(matrices, rows, inputs, cols, outputs, start, end, prefetch); break;
            case 3: Run<Rows3>(matrices, rows, inputs, cols, outputs, start, end, prefetch); break;
            case 4: Run<Rows4>(matrices, rows, inputs, cols, outputs, start, end, prefetch); break;
            case 5: Run<Rows5>(matrices, rows, inputs, cols, outputs, start, end, prefetch); break;
            case 6: Run<Rows6>(matrices, rows, inputs, cols, outputs, start, end, prefetch); break;
            case 7: Run<Rows7>(matrices, rows, inputs, cols, outputs, start, end, prefetch); break;
            default: Run<Rows8>(matrices, rows, inputs, cols, outputs, start, end, prefetch); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Affine(Vector512<byte> x, Vector512<byte> matrix) =>
        Gfni.V512.GaloisFieldAffineTransform(x, matrix, 0);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TRows>(ulong* matrices, int stride, byte** inputs, int cols, byte** outputs, nint start, nint end, bool prefetch)
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
        nint p = start;

        // Two vectors per step: each matrix broadcast serves both, and twice the loads are in flight.
        for (; p + 128 <= end; p += 128)
        {
            Vector512<byte> a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            Vector512<byte> b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
            Vector512<byte> a0 = default, b0 = default;
            ulong* m = matrices;
            for (int c = 0; c < cols; c++, m += stride)
            {
                byte* input = inputs[c] + p;
                if (prefetch)
                {
                    // One prefetch per cache line this step reads, 512 bytes ahead.
                    Sse.Prefetch0(input + PrefetchDistance);
                    Sse.Prefetch0(input + PrefetchDistance + 64);
                }
                var x = Vector512.Load(input);
                var y = Vector512.Load(input + 64);
                Vector512<byte> t;
                { t = Vector512.Create(m[0]).AsByte(); a0 ^= Affine(x, t); b0 ^= Affine(y, t); }
                if (n > 1) { t = Vector512.Create(m[1]).AsByte(); a1 ^= Affine(x, t); b1 ^= Affine(y, t); }
                if (n > 2) { t = Vector512.Create(m[2]).AsByte(); a2 ^= Affine(x, t); b2 ^= Affine(y, t); }
                if (n > 3) { t = Vector512.Create(m[3]).AsByte(); a3 ^= Affine(x, t); b3 ^= Affine(y, t); }
                if (n > 4) { t = Vector512.Create(m[4]).AsByte(); a4 ^= Affine(x, t); b4 ^= Affine(y, t); }
                if (n > 5) { t = Vector512.Create(m[5]).AsByte(); a5 ^= Affine(x, t); b5 ^= Affine(y, t); }
                if (n > 6) { t = Vector512.Create(m[6]).AsByte(); a6 ^= Affine(x, t); b6 ^= Affine(y, t); }
                if (n > 7) { t = Vector512.Create(m[7]).AsByte(); a7 ^= Affine(x, t); b7 ^= Affine(y, t); }
            }
            { a0.Store(o0 + p); b0.Store(o0 + p + 64); }
            if (n > 1) { a1.Store(o1 + p); b1.Store(o1 + p + 64); }
            if (n > 2) { a2.Store(o2 + p); b2.Store(o2 + p + 64); }
            if (n > 3) { a3.Store(o3 + p); b3.Store(o3 + p + 64); }
            if (n > 4) { a4.Store(o4 + p); b4.Store(o4 + p + 64); }
            if (n > 5) { a5.Store(o5 + p); b5.Store(o5 + p + 64); }
            if (n > 6) { a6.Store(o6 + p); b6.Store(o6 + p + 64); }
            if (n > 7) { a7.Store(o7 + p); b7.Store(o7 + p + 64); }
        }

        if (p < end)
        {
            Vector512<byte> a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            Vector512<byte> a0 = default;
            ulong* m = matrices;
            for (int c = 0; c < cols; c++, m += stride)
            {
                var x = Vector512.Load(inputs[c] + p);
                a0 ^= Affine(x, Vector512.Create(m[0]).AsByte());
                if (n > 1) a1 ^= Affine(x, Vector512.Create(m[1]).AsByte());
                if (n > 2) a2 ^= Affine(x, Vector512.Create(m[2]).AsByte());
                if (n > 3) a3 ^= Affine(x, Vector512.Create(m[3]).AsByte());
                if (n > 4) a4 ^= Affine(x, Vector512.Create(m[4]).AsByte());
                if (n > 5) a5 ^= Affine(x, Vector512.Create(m[5]).AsByte());
                if (n > 6) a6 ^= Affine(x, Vector512.Create(m[6]).AsByte());
                if (n > 7) a7 ^= Affine(x, Vector512.Create(m[7]).AsByte());
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
