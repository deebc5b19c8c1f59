namespace ObjectStore.Erasure.Kernels;

/// <summary>
/// Computes <c>outputs[r] = XOR over c of coef[r, c] * inputs[c]</c> for every byte position: the one
/// operation both encoding and reconstruction reduce to. Kernels are stateless singletons.
/// </summary>
internal abstract unsafe class MultiplyKernel
{
    public abstract GaloisKernel Kind { get; }

    public CodingMatrix Prepare(byte[] coefficients, int rows, int cols) =>
        new(coefficients, rows, cols, BuildTables(coefficients, rows, cols));

    /// <summary>Expands the coefficients into the form the kernel's inner loop reads.</summary>
    protected abstract byte[] BuildTables(byte[] coefficients, int rows, int cols);

    /// <summary>
    /// Overwrites <c>matrix.Rows</c> output buffers of <paramref name="length"/> bytes. Inputs and
    /// outputs must not overlap; the pointers must stay pinned for the call.
    /// </summary>
    public abstract void Apply(CodingMatrix matrix, byte** inputs, byte** outputs, int length);
}
